package dev.versionobserver.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.helpers.test.UniAssertSubscriber;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;

class PollGateTest {

    @Test
    void neverRunsMoreThanItsPermitsAndHandsThemOnAsWorkEnds() {
        PollGate gate = new PollGate(2);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<UniEmitter<? super String>> open = new ArrayList<>();
        List<UniAssertSubscriber<String>> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(gate.run(() -> Uni.createFrom().<String> emitter(e -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                open.add(e);
            })).subscribe().withSubscriber(UniAssertSubscriber.create()));
        }
        assertThat(open).hasSize(2);
        while (!open.isEmpty()) {
            UniEmitter<? super String> first = open.remove(0);
            running.decrementAndGet();
            first.complete("done");
        }
        assertThat(peak.get()).isEqualTo(2);
        assertThat(results).allSatisfy(r -> r.assertItem("done"));
        assertThat(gate.inFlight()).isZero();
    }

    @Test
    void aFailureOrACancellationGivesThePermitBack() {
        PollGate gate = new PollGate(1);
        gate.run(() -> Uni.createFrom().<String> failure(new IllegalStateException("boom")))
                .subscribe().withSubscriber(UniAssertSubscriber.create()).assertFailedWith(IllegalStateException.class);
        assertThat(gate.inFlight()).isZero();

        Cancellable hanging = gate.run(() -> Uni.createFrom().<String> nothing()).subscribe().with(x -> { });
        Cancellable queued = gate.run(() -> Uni.createFrom().item("never")).subscribe().with(x -> { });
        assertThat(gate.inFlight()).isEqualTo(1);
        queued.cancel(); // cancelled while waiting for a permit
        hanging.cancel(); // cancelled while holding it
        assertThat(gate.inFlight()).isZero();
        gate.run(() -> Uni.createFrom().item("next")).subscribe().withSubscriber(UniAssertSubscriber.create())
                .assertItem("next");
        assertThat(gate.inFlight()).isZero();
    }
}
