package dev.idem.redis.internal;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Lua scripts, one per transition. Each touches exactly one key (KEYS[1]), so each is atomic on
 * a standalone server and runs on the key's own node in a Cluster.
 *
 * <p>The record is one hash: {@code s} state ({@code P} in progress, {@code C} completed), {@code
 * f} fingerprint hex, {@code t} lease token (in progress only), {@code c} created-at, {@code e}
 * expires-at, {@code d} completed-at (all epoch milliseconds of the server's clock) and {@code r}
 * the result bytes. The key's own expiry (PEXPIRE, set in the same script) removes it when the
 * lease or retention ends. The fenced writes, find and a takeover also compare {@code e} with the
 * server's TIME, so a lease in its last millisecond (TIME and the expiry clock may differ by one
 * millisecond of rounding) counts as ended: a late write is refused rather than accepted.
 *
 * <p>Time comes from {@code TIME} on the server, never from the caller, so instances with skewed
 * clocks agree. Scripts that read TIME and then write are replicated by their effects (the default
 * since Redis 5).
 */
public final class Scripts {
  private Scripts() {}

  private static final String NOW =
      """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      """;

  /**
   * The fence every write after acquire passes first: the record is in progress, held under the
   * token in ARGV[1], and its lease has not ended by the server's clock; otherwise the script
   * answers 0 (lease lost) and changes nothing. Leaves {@code k} and {@code now} for the write.
   */
  private static final String FENCED =
      NOW
          + """
          local k = KEYS[1]
          local h = redis.call('HMGET', k, 's', 't', 'e')
          if h[1] ~= 'P' or h[2] ~= ARGV[1] or not (now < tonumber(h[3])) then return 0 end
          """;

  /**
   * ARGV: fingerprint, token, lease millis. Reply: {@code {'A', expiresAt}}, {@code {'P',
   * millisLeft}}, {@code {'M', state}} or {@code {'C', f, c, e, d, r}}.
   *
   * <p>Replays and mismatches do not read TIME: a key that Redis still returns has not reached its
   * PEXPIRE, which was set in the same script as {@code e} and from an earlier or equal reading of
   * the same clock, so it is live. That keeps the hot replay path to one HMGET.
   */
  public static final Script ACQUIRE =
      new Script(
          "acquire",
          ScriptOutputType.MULTI,
          """
          local k = KEYS[1]
          local h = redis.call('HMGET', k, 's', 'f', 'e', 'c', 'd', 'r')
          if h[1] then
            if h[2] ~= ARGV[1] then return {'M', h[1]} end
            if h[1] == 'C' then return {'C', h[2], h[4], h[3], h[5], h[6]} end
          end
          """
              + NOW
              + """
              if h[1] then
                local e = tonumber(h[3])
                if now < e then return {'P', e - now} end
                redis.call('DEL', k)
              end
              local lease = tonumber(ARGV[3])
              redis.call('HSET', k, 's', 'P', 'f', ARGV[1], 't', ARGV[2], 'c', now, 'e', now + lease)
              redis.call('PEXPIRE', k, lease)
              return {'A', now + lease}
              """);

  /** ARGV: token, result, retention millis. Reply: 1 applied, 0 lease lost. */
  public static final Script COMPLETE =
      new Script(
          "complete",
          ScriptOutputType.INTEGER,
          FENCED
              + """
              local retention = tonumber(ARGV[3])
              redis.call('HSET', k, 's', 'C', 'd', now, 'e', now + retention, 'r', ARGV[2])
              redis.call('HDEL', k, 't')
              redis.call('PEXPIRE', k, retention)
              return 1
              """);

  /** ARGV: token, lease millis. Reply: 1 applied, 0 lease lost. */
  public static final Script RENEW =
      new Script(
          "renew",
          ScriptOutputType.INTEGER,
          FENCED
              + """
              local lease = tonumber(ARGV[2])
              redis.call('HSET', k, 'e', now + lease)
              redis.call('PEXPIRE', k, lease)
              return 1
              """);

  /** ARGV: token. Reply: 1 applied, 0 lease lost. */
  public static final Script RELEASE =
      new Script(
          "release",
          ScriptOutputType.INTEGER,
          FENCED
              + """
              redis.call('DEL', k)
              return 1
              """);

  /**
   * No ARGV; not fenced (an operator's purge). Reply: 1 when a live record was deleted, 0 when
   * there was none. A record in its last millisecond counts as ended, as in {@link #FIND}, and is
   * deleted all the same.
   */
  public static final Script PURGE =
      new Script(
          "purge",
          ScriptOutputType.INTEGER,
          NOW
              + """
              local e = redis.call('HGET', KEYS[1], 'e')
              if not e then return 0 end
              redis.call('DEL', KEYS[1])
              if now < tonumber(e) then return 1 end
              return 0
              """);

  /**
   * No ARGV. Reply: {@code {}} when absent or expired, else {@code {s, f, t, c, e, d, r}} with
   * {@code ''} for the fields the state does not have. A script rather than HGETALL so the liveness
   * check uses the server's clock like the writes do.
   */
  public static final Script FIND =
      new Script(
          "find",
          ScriptOutputType.MULTI,
          NOW
              + """
              local h = redis.call('HMGET', KEYS[1], 's', 'f', 't', 'c', 'e', 'd', 'r')
              if not h[1] or not (now < tonumber(h[5])) then return {} end
              for i = 1, 7 do if not h[i] then h[i] = '' end end
              return h
              """);

  /** One script with its SHA-1, computed here so that the first call can already be EVALSHA. */
  public record Script(String name, ScriptOutputType outputType, byte[] source, String sha1) {
    Script(String name, ScriptOutputType outputType, String source) {
      this(name, outputType, source.getBytes(StandardCharsets.UTF_8), sha1(source));
    }

    private static String sha1(String source) {
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
        StringBuilder hex = new StringBuilder(40);
        for (byte b : digest) {
          hex.append(Character.forDigit((b >> 4) & 0xF, 16))
              .append(Character.forDigit(b & 0xF, 16));
        }
        return hex.toString();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has SHA-1", e);
      }
    }
  }
}
