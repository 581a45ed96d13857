/**
 * Real servers for integration tests. Each server is found in this order: the address in its {@code
 * IDEM_TEST_*_URL} variable, the server on its standard local port, then one this package starts
 * itself from a binary shipped in a Maven artifact. When none of that works the test fails with a
 * message that says what to install; it never skips.
 */
package dev.idem.testservers;
