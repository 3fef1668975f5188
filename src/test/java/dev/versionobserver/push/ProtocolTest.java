package dev.versionobserver.push;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The server's messages exactly as README's protocol table shows them, and what counts as a client's ping. */
class ProtocolTest {

    @Test
    void helloCarriesEveryFieldInTheDocumentedOrderNullsIncluded() {
        assertThat(new Protocol.Hello("1.0.0", "web-1", "2.0.0", true).json()).isEqualTo(
                "{\"type\":\"hello\",\"protocol\":1,\"server\":\"1.0.0\",\"pod\":\"web-1\",\"published\":\"2.0.0\","
                        + "\"stale\":true}");
        assertThat(new Protocol.Hello("1.0.0", "web-1", null, null).json()).isEqualTo(
                "{\"type\":\"hello\",\"protocol\":1,\"server\":\"1.0.0\",\"pod\":\"web-1\",\"published\":null,"
                        + "\"stale\":null}");
    }

    @Test
    void newVersionCarriesEveryFieldInTheDocumentedOrderNullsIncluded() {
        assertThat(new Protocol.NewVersion("2.0.0", "1.0.0", true).json()).isEqualTo(
                "{\"type\":\"new_version\",\"protocol\":1,\"version\":\"2.0.0\",\"previous\":\"1.0.0\",\"stale\":true}");
        assertThat(new Protocol.NewVersion("2.0.0", null, false).json()).isEqualTo(
                "{\"type\":\"new_version\",\"protocol\":1,\"version\":\"2.0.0\",\"previous\":null,\"stale\":false}");
    }

    @Test
    void pongIsTypeAndProtocolOnly() {
        assertThat(Protocol.Pong.INSTANCE.json()).isEqualTo("{\"type\":\"pong\",\"protocol\":1}");
    }

    @Test
    void aPingIsTheBareWordOrAnObjectOfTypePing() {
        assertThat(Protocol.isPing("ping")).isTrue();
        assertThat(Protocol.isPing("{\"type\":\"ping\"}")).isTrue();
        assertThat(Protocol.isPing("{\"id\":7,\"type\":\"ping\"}")).isTrue();
        assertThat(Protocol.isPing("{\"type\":\"pong\"}")).isFalse();
        assertThat(Protocol.isPing("{\"type\":\"ping\"")).isFalse();
        assertThat(Protocol.isPing("[\"ping\"]")).isFalse();
        assertThat(Protocol.isPing("not json")).isFalse();
    }
}
