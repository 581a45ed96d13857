/** Implementation details; not exported, no compatibility promise. */
package dev.idem.internal;
