package dev.versionobserver.localcluster;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The scripted demo: 3 x 1.0.0 with pages open; roll to 2.0.0 and SIGKILL the leader mid-rollout (every page
 * told once); pages reload; roll to 2.1.0 (compatible: nobody told); roll back to 1.0.0 (every page told once).
 * Every wait is on a condition, bounded; a missed expectation is recorded and the run goes on.
 */
final class DemoScenario {

    private static final Duration STEP = Duration.ofSeconds(120);

    /** Opens one page through the Service. */
    interface PageFactory {
        DemoPage open() throws Exception;
    }

    private final LocalCluster cluster;
    private final List<DemoPage> pages;
    private final Timeline timeline;
    private final List<String> failures = new ArrayList<>();

    DemoScenario(LocalCluster cluster, List<DemoPage> pages, Timeline timeline) {
        this.cluster = cluster;
        this.pages = pages;
        this.timeline = timeline;
    }

    /** Runs the script; returns the expectations that were not met (empty: it went as expected). */
    List<String> run(int replicas, int pageCount, PageFactory factory) {
        step("deploy " + replicas + " x 1.0.0 and open " + pageCount + " pages", () -> {
            cluster.deploy("1.0.0", replicas);
            awaitTrue("rolled out", cluster::rolledOut);
            awaitTrue("baseline 1.0.0 published", () -> cluster.published().equals(Optional.of("1.0.0")));
            for (int i = 0; i < pageCount; i++) {
                DemoPage page = factory.open();
                pages.add(page);
                timeline.accept("page " + (i + 1) + " open (" + page.kind() + "), running " + page.version());
            }
            expect(totalPrompts() == 0, "the baseline prompted nobody");
            return null;
        });
        int before = totalPrompts();
        step("roll to 2.0.0, SIGKILL the leader mid-rollout", () -> {
            cluster.rollout("2.0.0");
            awaitTrue("a 2.0.0 pod serves", () -> cluster.pods().stream()
                    .anyMatch(p -> p.version().equals("2.0.0") && p.ready()));
            expect(totalPrompts() == before, "no page prompted while the rollout is mixed");
            // Between two leaders (a handover just happened) there may be no holder for a moment: wait for one.
            awaitTrue("a running leader to SIGKILL", () -> cluster.leader().flatMap(cluster::pod)
                    .filter(p -> p.pid() > 0).isPresent());
            cluster.crash(cluster.leader().orElseThrow());
            awaitTrue("rolled out", cluster::rolledOut);
            awaitTrue("2.0.0 published", () -> cluster.published().equals(Optional.of("2.0.0")));
            awaitPrompts(before + pages.size(), "every page told once of 2.0.0");
            return null;
        });
        step("users click Reload", () -> {
            for (DemoPage page : pages) {
                page.reload();
                expect(page.version().equals("2.0.0"), "reloaded page runs 2.0.0, got " + page.version());
            }
            return null;
        });
        int afterFirst = totalPrompts();
        step("roll to 2.1.0 (compatible under 'major')", () -> {
            cluster.rollout("2.1.0");
            awaitTrue("rolled out", cluster::rolledOut);
            awaitTrue("the leader judged the cluster converged on 2.1.0", () -> cluster.leader()
                    .map(cluster::log).orElse("").contains("run 2.1.0"));
            // The publication is asynchronous: a wrong one would land after the verdict, so watch for a while.
            expectSteady(() -> cluster.published().equals(Optional.of("2.0.0")),
                    "nothing published for a compatible change");
            expectSteady(() -> totalPrompts() == afterFirst, "no page prompted for a compatible change");
            return null;
        });
        step("roll back to 1.0.0", () -> {
            cluster.rollout("1.0.0");
            awaitTrue("rolled out", cluster::rolledOut);
            awaitTrue("1.0.0 published", () -> cluster.published().equals(Optional.of("1.0.0")));
            awaitPrompts(afterFirst + pages.size(), "every page told once of the rollback");
            return null;
        });
        return failures;
    }

    private int totalPrompts() {
        return pages.stream().mapToInt(DemoPage::prompts).sum();
    }

    private void awaitPrompts(int expected, String what) throws Exception {
        awaitTrue(what, () -> totalPrompts() >= expected);
        // A late duplicate would arrive after the threshold: the count must hold for a quiet period.
        expectSteady(() -> totalPrompts() == expected, what + " (" + expected + " prompts in all, for "
                + QUIET.toSeconds() + " s)");
    }

    /** Records a failure unless {@code condition} holds throughout {@link #QUIET}. */
    private void expectSteady(Callable<Boolean> condition, String what) {
        try {
            await().during(QUIET).atMost(QUIET.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).until(condition);
            timeline.accept("ok: " + what);
        } catch (ConditionTimeoutException e) {
            failures.add(what);
            timeline.accept("!!! expected: " + what);
        }
    }

    private static final Duration QUIET = Duration.ofSeconds(2);

    private void step(String name, Callable<Void> body) {
        timeline.accept("=== " + name);
        try {
            body.call();
        } catch (Exception e) {
            failures.add(name + ": " + e.getMessage());
            timeline.accept("!!! " + name + ": " + e.getMessage());
        }
    }

    private void awaitTrue(String what, Callable<Boolean> condition) throws Exception {
        try {
            await().atMost(STEP).pollInterval(Duration.ofMillis(100)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("timed out after " + STEP.toSeconds() + " s waiting for: " + what);
        }
    }

    private void expect(boolean ok, String what) {
        if (ok) {
            timeline.accept("ok: " + what);
        } else {
            failures.add(what);
            timeline.accept("!!! expected: " + what);
        }
    }
}
