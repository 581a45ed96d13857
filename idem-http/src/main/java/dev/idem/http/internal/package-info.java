/** Implementation details of idem-http; not API. */
package dev.idem.http.internal;
