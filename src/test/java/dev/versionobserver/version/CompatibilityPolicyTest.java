package dev.versionobserver.version;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CompatibilityPolicyTest {

    /** running, serving, then compatible? under MAJOR, MINOR, PATCH, ANY. */
    @ParameterizedTest(name = "{0} vs {1}: major={2} minor={3} patch={4} any={5}")
    @CsvSource({
            "1.0.0,       1.0.0,        true,  true,  true,  true",
            "1.0.0,       v1.0.0,       true,  true,  true,  true",
            "1.0.0,       2.0.0,        false, false, false, false",
            "2.0.0,       1.0.0,        false, false, false, false", // rollback is a change like any other
            "1.0.0,       1.1.0,        true,  false, false, false",
            "1.1.0,       1.0.0,        true,  false, false, false",
            "1.0.0,       1.0.1,        true,  true,  false, false",
            "1.0.0,       1.0.0-rc.1,   true,  true,  true,  false",
            "1.0.0-rc.1,  1.0.0-rc.2,   true,  true,  true,  false",
            "1.0.0+b1,    1.0.0+b2,     true,  true,  true,  false",
            "1.9.9,       2.0.0-rc.1,   false, false, false, false",
            "0.1.0,       0.2.0,        true,  false, false, false" })
    void decidesCompatibilityPerPolicy(String running, String serving, boolean major, boolean minor, boolean patch,
            boolean any) {
        AppVersion a = AppVersion.parse(running);
        AppVersion b = AppVersion.parse(serving);
        assertThat(CompatibilityPolicy.MAJOR.compatible(a, b)).as("major").isEqualTo(major);
        assertThat(CompatibilityPolicy.MINOR.compatible(a, b)).as("minor").isEqualTo(minor);
        assertThat(CompatibilityPolicy.PATCH.compatible(a, b)).as("patch").isEqualTo(patch);
        assertThat(CompatibilityPolicy.ANY.compatible(a, b)).as("any").isEqualTo(any);
    }
}
