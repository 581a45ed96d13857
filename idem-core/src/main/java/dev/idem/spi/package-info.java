/** The store SPI: what a back end implements to hold idempotency records. */
package dev.idem.spi;
