/** Implementation of the JDBC store; not exported, may change without notice. */
package dev.idem.jdbc.internal;
