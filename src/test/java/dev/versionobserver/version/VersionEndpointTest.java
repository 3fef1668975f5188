package dev.versionobserver.version;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
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

    @TestHTTPResource("/")
    URL root;

    /**
     * Over quarkus.http.limits.max-header-size the server answers 431 and closes while the rest of the request is
     * still unread, which resets the connection. An HTTP client that writes the request in chunks can then fail its
     * next write (broken pipe) before it reads the answer, by timing alone; so the request goes out in one write
     * here (on loopback it is then wholly queued at the server), and the status line is read from what arrived.
     */
    @Test
    void hugeHeaderIsRefusedCleanly() throws Exception {
        byte[] request = ("GET /version HTTP/1.1\r\nHost: " + root.getHost() + "\r\nX-Huge: " + "x".repeat(20_000)
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertThat(status).startsWith("HTTP/1.1 431");
        }
        given().when().get("/version").then().statusCode(200);
    }
}
