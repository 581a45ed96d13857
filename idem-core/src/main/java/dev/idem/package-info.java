/** The Idem API: the engine, keys and key policies, fingerprints and outcomes. */
package dev.idem;
