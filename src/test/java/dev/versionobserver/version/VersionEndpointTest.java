package dev.versionobserver.version;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class VersionEndpointTest {

    @Test
    void versionAnswersJsonWithVersionPodAndStartTimeNeverCached() {
        given().when().get("/version")
                .then().statusCode(200)
                .contentType("application/json")
                .header("Cache-Control", "no-store")
                .body("version", equalTo("1.0.0"))
                .body("pod", equalTo("local"))
                .body("startedAt", notNullValue());
    }

    @Test
    void versionAnswersHead() {
        given().when().head("/version")
                .then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body(emptyString());
    }

    @Test
    void unknownPathIs404WithoutStackTrace() {
        given().when().get("/no/such/thing")
                .then().statusCode(404)
                .body(not(containsString("Exception")));
    }

    @Test
    void wrongMethodIs405() {
        given().when().post("/version").then().statusCode(405);
    }

    @Test
    void hugeHeaderIsRefusedCleanly() {
        given().header("X-Huge", "x".repeat(40_000)).when().get("/version")
                .then().statusCode(431);
    }
}
