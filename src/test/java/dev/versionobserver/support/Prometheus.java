package dev.versionobserver.support;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads /q/metrics of the app under test. */
public final class Prometheus {

    private Prometheus() {
    }

    public static String scrape() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** /q/metrics of a service process (or any base URL). */
    public static String scrape(String baseUrl) {
        return given().baseUri(baseUrl).when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The value of one sample line, e.g. {@code version_observer_polls_total{outcome="ok"}}; NaN if absent. */
    public static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }
}
