package dev.relay.functions.ui;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.CapturedEventsProfile;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Cookie;

/**
 * With {@code RELAY_API_TOKEN} set: the UI's page and assets load without it, the token is
 * exchanged once for an HttpOnly SameSite=Strict cookie, and a state-changing request of that
 * session needs its CSRF token.
 */
@QuarkusTest
@TestProfile(CapturedEventsProfile.class)
class UiSessionTest {
    @TestHTTPResource("/") URI root;

    @Test
    void pageAndAssetsArePublicTheApiIsNot() {
        given().accept("text/html").get("/").then().statusCode(200).body(org.hamcrest.Matchers.containsString("ui/app.js"));
        given().get("/").then().statusCode(200).body("service", equalTo("relay"));
        given().get("/ui/app.js").then().statusCode(200);
        given().get("/webjars/dagre/0.8.4/dist/dagre.min.js").then().statusCode(200);
        given().get("/webjars/chart.js/4.4.1/dist/chart.umd.js").then().statusCode(200);
        given().get("/favicon.ico").then().statusCode(200);
        given().get("/api/v1/runs").then().statusCode(401);
        given().get("/ui/session").then().statusCode(200).body("required", equalTo(true)).body("authenticated", equalTo(false));
    }

    @Test
    void theTokenBuysACookieAndWritesNeedTheCsrfToken() {
        given().contentType("application/json").body("{\"token\":\"wrong\"}").post("/ui/session").then().statusCode(401);
        Response login = given().contentType("application/json")
                .body("{\"token\":\"" + CapturedEventsProfile.API_TOKEN + "\"}").post("/ui/session");
        login.then().statusCode(200);
        String setCookie = login.getHeader("Set-Cookie").toLowerCase(java.util.Locale.ROOT);
        assertTrue(setCookie.contains("httponly") && setCookie.contains("samesite=strict") && setCookie.contains("path=/"), setCookie);
        String session = login.getCookie(UiSessions.COOKIE);
        String csrf = login.jsonPath().getString("csrf");
        given().cookie(UiSessions.COOKIE, session).get("/api/v1/runs").then().statusCode(200);
        given().cookie(UiSessions.COOKIE, session).get("/ui/session").then().body("authenticated", equalTo(true)).body("csrf", equalTo(csrf));
        String exp = "{\"display_name\":\"csrf-" + System.nanoTime() + "\"}";
        given().cookie(UiSessions.COOKIE, session).contentType("application/json").body(exp)
                .post("/apis/v2beta1/experiments").then().statusCode(401);
        given().cookie(UiSessions.COOKIE, session).header(UiSessions.CSRF_HEADER, "forged").contentType("application/json").body(exp)
                .post("/apis/v2beta1/experiments").then().statusCode(401);
        given().cookie(UiSessions.COOKIE, session).header(UiSessions.CSRF_HEADER, csrf).contentType("application/json").body(exp)
                .post("/apis/v2beta1/experiments").then().statusCode(200);
        given().cookie(UiSessions.COOKIE, session).header(UiSessions.CSRF_HEADER, csrf).delete("/ui/session").then().statusCode(200);
        given().cookie(UiSessions.COOKIE, session).get("/api/v1/runs").then().statusCode(401);
    }

    @Test
    void theBrowserLogsInOnceAndUsesTheCookie() throws Exception {
        try (Browser b = Browser.start()) {
            b.open(root.toString() + "#/experiments");
            b.find("#login-form #token").sendKeys("not-the-token");
            b.find("#login-form button").click();
            b.until(10, d -> b.find("#login-error").getText().contains("wrong token"));
            b.consoleErrors(); // the refused login is a failed request in the console: expected here
            b.find("#login-form #token").clear();
            b.find("#login-form #token").sendKeys(CapturedEventsProfile.API_TOKEN);
            b.find("#login-form button").click();
            b.find("table.experiments");
            Cookie c = b.driver.manage().getCookieNamed(UiSessions.COOKIE);
            assertTrue(c.isHttpOnly());
            assertEquals("Strict", c.getSameSite());
            assertEquals(null, b.js("return document.cookie.includes('relay_session') ? 'visible' : null;"), "HttpOnly: not in document.cookie");
            // a write through the UI carries the CSRF header
            String name = "ui-session-" + System.nanoTime();
            b.find("#exp-name").sendKeys(name);
            b.find("#exp-form button").click();
            b.until(20, d -> b.find("table.experiments").getText().contains(name));
            b.open(root.toString() + "#/runs");
            b.find("table.runs");
            b.screenshot("theBrowserLogsInOnceAndUsesTheCookie");
            assertEquals(java.util.List.of(), b.consoleErrors());
        }
    }
}
