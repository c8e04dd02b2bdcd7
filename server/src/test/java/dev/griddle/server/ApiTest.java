package dev.griddle.server;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of API tests: the real server on a random port against real PostgreSQL (the database most
 * test servers share), spoken to over HTTP through the SDK. Each test makes its own organization,
 * so tests never see each other's data.
 */
public abstract class ApiTest extends ServerTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        serverProperties(registry, TestDatabase::url);
    }
}
