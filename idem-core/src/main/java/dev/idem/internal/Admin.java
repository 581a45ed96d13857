package dev.idem.internal;

import dev.idem.IdempotencyAdmin;
import dev.idem.IdempotencyObserver;
import dev.idem.IdempotencyObserver.StoreCall;
import dev.idem.KeyCheck;
import dev.idem.KeyPolicy;
import dev.idem.KeyRejectedException;
import dev.idem.RecordView;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;
import java.util.Optional;

/** The {@link IdempotencyAdmin} of one engine: same store, key policy and digester. */
final class Admin implements IdempotencyAdmin {
  // Domain-separated so a claim id can never be mistaken for (or turned back into) a token digest
  // used elsewhere. 64 bits tell successive claims of one key apart; the token stays secret.
  private static final byte[] CLAIM_DOMAIN = "idem-claim-v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final int CLAIM_HEX_LENGTH = 16;

  private final IdempotencyStore store;
  private final KeyPolicy keyPolicy;
  private final KeyDigester digester;
  private final IdempotencyObserver observer;

  Admin(
      IdempotencyStore store,
      KeyPolicy keyPolicy,
      KeyDigester digester,
      IdempotencyObserver observer) {
    this.store = store;
    this.keyPolicy = keyPolicy;
    this.digester = digester;
    this.observer = observer;
  }

  @Override
  public Optional<RecordView> inspect(String scope, String key) {
    return find(storeKey(scope, key)).map(Admin::view);
  }

  @Override
  public ForceReleaseOutcome forceRelease(String scope, String key, String claim) {
    Objects.requireNonNull(claim, "claim");
    StoreKey storeKey = storeKey(scope, key);
    Optional<IdempotencyRecord> found = find(storeKey);
    if (found.isEmpty()) {
      return new ForceReleaseOutcome.NotFound();
    }
    IdempotencyRecord record = found.get();
    if (record.state() != RecordState.IN_PROGRESS) {
      return new ForceReleaseOutcome.NotInProgress();
    }
    LeaseToken token = Objects.requireNonNull(record.token(), "token of an in-progress record");
    if (!MessageDigest.isEqual(
        claimId(token).getBytes(StandardCharsets.US_ASCII),
        claim.getBytes(StandardCharsets.US_ASCII))) {
      return new ForceReleaseOutcome.ClaimChanged();
    }
    WriteResult released;
    try {
      // The store's fenced release: refused if the claim completed, lapsed or was replaced since.
      released = store.release(storeKey, token);
    } catch (StoreUnavailableException e) {
      observer.onStoreFailure(StoreCall.RELEASE, e);
      throw e;
    }
    return released instanceof WriteResult.Applied
        ? new ForceReleaseOutcome.Released()
        : new ForceReleaseOutcome.ClaimChanged();
  }

  @Override
  public PurgeOutcome purge(String scope, String key) {
    StoreKey storeKey = storeKey(scope, key);
    boolean purged;
    try {
      purged = store.purge(storeKey);
    } catch (StoreUnavailableException e) {
      observer.onStoreFailure(StoreCall.PURGE, e);
      throw e;
    }
    return purged ? new PurgeOutcome.Purged() : new PurgeOutcome.NotFound();
  }

  private StoreKey storeKey(String scope, String key) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(key, "key");
    // The same check execute() makes: a key the engine would never store cannot name a record.
    if (keyPolicy.check(key) instanceof KeyCheck.Rejected rejected) {
      throw new KeyRejectedException(rejected);
    }
    return digester.digest(scope, key);
  }

  private Optional<IdempotencyRecord> find(StoreKey storeKey) {
    try {
      return store.find(storeKey);
    } catch (StoreUnavailableException e) {
      observer.onStoreFailure(StoreCall.FIND, e);
      throw e;
    }
  }

  private static RecordView view(IdempotencyRecord record) {
    LeaseToken token = record.token();
    byte[] result = record.result();
    return new RecordView(
        record.key().hex(),
        record.state(),
        record.fingerprint().hex().substring(0, RecordView.FINGERPRINT_PREFIX_LENGTH),
        record.state() == RecordState.IN_PROGRESS && token != null ? claimId(token) : null,
        record.createdAt(),
        record.expiresAt(),
        record.completedAt(),
        result == null ? null : result.length);
  }

  static String claimId(LeaseToken token) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-256, which every JDK must have", e);
    }
    sha256.update(CLAIM_DOMAIN);
    byte[] digest = sha256.digest(token.value().getBytes(StandardCharsets.US_ASCII));
    StringBuilder hex = new StringBuilder(CLAIM_HEX_LENGTH);
    for (int i = 0; i < CLAIM_HEX_LENGTH / 2; i++) {
      hex.append(Character.forDigit((digest[i] >> 4) & 0xF, 16))
          .append(Character.forDigit(digest[i] & 0xF, 16));
    }
    return hex.toString();
  }

  @Override
  public String toString() {
    return "IdempotencyAdmin[store=" + store + "]";
  }
}
