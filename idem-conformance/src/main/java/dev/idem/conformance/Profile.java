package dev.idem.conformance;

import java.util.Locale;
import java.util.Objects;

/**
 * The flavour of the semantics a target is held to. The profiles agree on everything except the
 * status that answers a reused key with a different request.
 */
public enum Profile {
  /** The IETF draft's answers: a mismatch is {@code 422 Unprocessable Content}. */
  IETF("ietf", 422),
  /** Stripe's answers: a mismatch is {@code 400 Bad Request}. */
  STRIPE("stripe", 400);

  private final String id;
  private final int mismatchStatus;

  Profile(String id, int mismatchStatus) {
    this.id = id;
    this.mismatchStatus = mismatchStatus;
  }

  /** The lower-case name used on the command line: {@code ietf} or {@code stripe}. */
  public String id() {
    return id;
  }

  /** The status expected when a key is reused with a different body. */
  public int mismatchStatus() {
    return mismatchStatus;
  }

  /**
   * The profile named {@code id}, ignoring case.
   *
   * @throws NullPointerException if {@code id} is null
   * @throws IllegalArgumentException if no profile has that name
   */
  public static Profile of(String id) {
    Objects.requireNonNull(id, "id");
    for (Profile profile : values()) {
      if (profile.id.equals(id.toLowerCase(Locale.ROOT))) {
        return profile;
      }
    }
    throw new IllegalArgumentException("unknown profile '" + id + "': use ietf or stripe");
  }
}
