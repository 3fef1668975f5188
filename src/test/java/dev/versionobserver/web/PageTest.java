package dev.versionobserver.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PageTest {

    @Test
    void pageCarriesAppVersionAsJsonAndLoadsTheClient() {
        given().when().get("/")
                .then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("window.appVersion = \"1.0.0\";"))
                .body(containsString("window.appPod = \"local\";"))
                .body(containsString("<script type=\"module\" src=\"/version-observer/client.js\"></script>"));
    }

    @Test
    void clientScriptAndTheModuleItStartsAreServed() {
        given().when().get("/version-observer/client.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .body(containsString("import { connect } from './index.js';"));
        given().when().get("/version-observer/index.js")
                .then().statusCode(200)
                .contentType(containsString("javascript"))
                .body(containsString("export function connect"));
    }
}
