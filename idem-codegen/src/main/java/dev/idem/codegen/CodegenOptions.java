package dev.idem.codegen;

import dev.idem.spi.ConfigProblems;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@link Codegen} generates: the framework, the store, and the settings baked into the
 * middleware as its defaults. Immutable; every instance is valid.
 *
 * <pre>{@code
 * CodegenOptions options =
 *     CodegenOptions.builder().framework(Framework.EXPRESS).store(Store.REDIS).build();
 * }</pre>
 *
 * @param framework the web framework
 * @param store where records live
 * @param headerName the request header carrying the key; matched case-insensitively
 * @param retention how long a completed response is replayed, 1 s to 365 days
 * @param lease how long a claim holds before another request may take the key over (a crashed
 *     process' claim ends with it), 1 s to 1 day
 * @param keyRequired whether POST and PATCH without a key are refused with 400 (else they pass
 *     through unprotected)
 * @param mismatchStatus the status for the same key with a different request: 422 (the IETF draft)
 *     or 400 (Stripe)
 */
public record CodegenOptions(
    Framework framework,
    Store store,
    String headerName,
    Duration retention,
    Duration lease,
    boolean keyRequired,
    int mismatchStatus) {

  /** The default key header. */
  public static final String DEFAULT_HEADER_NAME = "Idempotency-Key";

  /** The default retention of a completed response. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  /** The default lease of a claim. */
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(60);

  /** The default mismatch status, the IETF draft's. */
  public static final int DEFAULT_MISMATCH_STATUS = 422;

  private static final Duration MIN_DURATION = Duration.ofSeconds(1);
  private static final Duration MAX_RETENTION = Duration.ofDays(365);
  private static final Duration MAX_LEASE = Duration.ofDays(1);
  // Letters, digits and '-' only: the name is pasted into JavaScript, Python and Java string
  // literals, so it must hold nothing that a literal would need escaped.
  private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,63}");

  /**
   * @throws IllegalArgumentException listing every invalid option at once
   * @throws NullPointerException if an argument is null
   */
  public CodegenOptions {
    Objects.requireNonNull(framework, "framework");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(headerName, "headerName");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(lease, "lease");
    ConfigProblems.throwIfAny(
        "CodegenOptions", problems(framework, store, headerName, retention, lease, mismatchStatus));
  }

  /** A builder with every default set except the framework; use it once. */
  public static Builder builder() {
    return new Builder();
  }

  private static List<String> problems(
      @Nullable Framework framework,
      @Nullable Store store,
      String headerName,
      Duration retention,
      Duration lease,
      int mismatchStatus) {
    List<String> problems = new ArrayList<>();
    if (framework == null) {
      problems.add("framework is required: one of " + Framework.ids());
    } else if (store != null && !framework.supports(store)) {
      problems.add(framework.displayName() + " has no generated " + store.displayName() + " store");
    }
    if (store == null) {
      problems.add("store is required: one of " + Store.ids());
    }
    if (!HEADER_NAME.matcher(headerName).matches()) {
      problems.add(
          "headerName must be 1 to 64 letters, digits and '-', starting with a letter, was '"
              + headerName
              + "'");
    }
    if (retention.compareTo(MIN_DURATION) < 0 || retention.compareTo(MAX_RETENTION) > 0) {
      problems.add("retention must be 1s to 365 days, was " + retention);
    } else if (retention.toNanos() % 1_000_000 != 0) {
      problems.add("retention must be whole milliseconds, was " + retention);
    }
    if (lease.compareTo(MIN_DURATION) < 0 || lease.compareTo(MAX_LEASE) > 0) {
      problems.add("lease must be 1s to 1 day, was " + lease);
    } else if (lease.toNanos() % 1_000_000 != 0) {
      problems.add("lease must be whole milliseconds, was " + lease);
    }
    if (mismatchStatus != 422 && mismatchStatus != 400) {
      problems.add(
          "mismatchStatus must be 422 (IETF draft) or 400 (Stripe), was " + mismatchStatus);
    }
    return problems;
  }

  /**
   * Configures {@link CodegenOptions}. Not thread-safe; each option may be set once; {@link
   * #build()} reports every invalid option at once.
   */
  public static final class Builder {
    private @Nullable Framework framework;
    private @Nullable Store store = Store.MEMORY;
    private String headerName = DEFAULT_HEADER_NAME;
    private Duration retention = DEFAULT_RETENTION;
    private Duration lease = DEFAULT_LEASE;
    private boolean keyRequired = true;
    private int mismatchStatus = DEFAULT_MISMATCH_STATUS;
    private final Set<String> alreadySet = new LinkedHashSet<>();

    private Builder() {}

    /**
     * The framework. Required.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder framework(Framework framework) {
      once("framework");
      this.framework = Objects.requireNonNull(framework, "framework");
      return this;
    }

    /**
     * The store; default {@link Store#MEMORY}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder store(Store store) {
      once("store");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The key header; default {@value CodegenOptions#DEFAULT_HEADER_NAME}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder headerName(String headerName) {
      once("headerName");
      this.headerName = Objects.requireNonNull(headerName, "headerName");
      return this;
    }

    /**
     * How long a completed response is replayed; default 24 h.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder retention(Duration retention) {
      once("retention");
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * How long a claim holds; default 60 s.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder lease(Duration lease) {
      once("lease");
      this.lease = Objects.requireNonNull(lease, "lease");
      return this;
    }

    /**
     * Whether a missing key is refused with 400; default true.
     *
     * @throws IllegalStateException if already set
     */
    public Builder keyRequired(boolean keyRequired) {
      once("keyRequired");
      this.keyRequired = keyRequired;
      return this;
    }

    /**
     * The mismatch status, 422 or 400; default 422.
     *
     * @throws IllegalStateException if already set
     */
    public Builder mismatchStatus(int mismatchStatus) {
      once("mismatchStatus");
      this.mismatchStatus = mismatchStatus;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     */
    public CodegenOptions build() {
      ConfigProblems.throwIfAny(
          "CodegenOptions",
          problems(framework, store, headerName, retention, lease, mismatchStatus));
      return new CodegenOptions(
          Objects.requireNonNull(framework),
          Objects.requireNonNull(store),
          headerName,
          retention,
          lease,
          keyRequired,
          mismatchStatus);
    }

    private void once(String option) {
      if (!alreadySet.add(option)) {
        throw new IllegalStateException(option + " was already set");
      }
    }
  }
}
