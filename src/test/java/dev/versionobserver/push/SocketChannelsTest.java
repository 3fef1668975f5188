package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.netty.channel.Channel;
import io.undertow.websockets.UndertowSession;

/** The seam's start-up check: the container's connection accessor is there, or start-up fails naming it. */
class SocketChannelsTest {

    static class SessionWithoutChannel {
        public Object getChannel() {
            return null;
        }
    }

    static class SessionWithChannel {
        public Channel getChannel() {
            return null;
        }
    }

    @Test
    void theContainerThisBuildShipsWithOffersTheConnection() {
        assertThatCode(() -> SocketChannels.requireConnectionAccess(UndertowSession.class, "getChannel"))
                .doesNotThrowAnyException();
        assertThatCode(SocketChannels::new).doesNotThrowAnyException();
    }

    @Test
    void aMissingAccessorFailsWithOneLineNamingIt() {
        assertThatThrownBy(() -> SocketChannels.requireConnectionAccess(String.class, "getChannel"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("java.lang.String.getChannel() it does not exist")
                .hasMessageContaining("per-address caps")
                .hasMessageNotContaining("\n");
    }

    @Test
    void anAccessorThatNoLongerReturnsANettyChannelFails() {
        assertThatThrownBy(() -> SocketChannels.requireConnectionAccess(SessionWithoutChannel.class, "getChannel"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returns java.lang.Object, not a Netty channel");
        assertThatCode(() -> SocketChannels.requireConnectionAccess(SessionWithChannel.class, "getChannel"))
                .doesNotThrowAnyException();
    }
}
