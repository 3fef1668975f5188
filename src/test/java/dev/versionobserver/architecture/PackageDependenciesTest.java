package dev.versionobserver.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The package map of docs/ARCHITECTURE.md, enforced: no cycle between the feature packages, and the two
 * observers of everything ({@code metrics}, {@code status}) only receive: the other packages tell them what
 * happened through typed CDI events and never call them; one class alone touches the WebSocket container's
 * internals.
 */
class PackageDependenciesTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.versionobserver");

    @Test
    void theFeaturePackagesFormNoCycle() {
        slices().matching("dev.versionobserver.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void metricsAndStatusOnlyReceive() {
        noClasses().that().resideOutsideOfPackages("..metrics..", "..status..")
                .should().dependOnClassesThat().resideInAnyPackage("..metrics..", "..status..")
                .because("metrics and status observe events; nothing calls them")
                .check(MAIN);
    }

    @Test
    void onlyThePushSeamTouchesUndertowOrNetty() {
        noClasses().that().doNotHaveFullyQualifiedName("dev.versionobserver.push.SocketChannels")
                .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "io.netty..")
                .because("SocketChannels is the one seam onto the container; see docs/ARCHITECTURE.md")
                .check(MAIN);
        assertThat(MAIN.get("dev.versionobserver.push.SocketChannels").getDirectDependenciesFromSelf())
                .as("the seam itself does touch them, so the rule above is not vacuous")
                .anyMatch(d -> d.getTargetClass().getPackageName().startsWith("io.undertow"));
    }
}
