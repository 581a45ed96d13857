package dev.idem.redis.internal;

import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Lua scripts for the transitions that are not one native command. Each touches exactly one key
 * (KEYS[1]), so each is atomic on a standalone server and runs on the key's own node in a Cluster.
 *
 * <p>The record is one string value in the {@link PackedRecord} layout (read here with {@code
 * string.sub} at its fixed offsets: state at 2, fingerprint 3–66, times 67–82, 83–98, 99–114, token
 * or result from 115). The key's own expiry is the lease or the retention: an in-progress record is
 * live while {@code PTTL} is positive. A lease in its last millisecond ({@code PTTL} 0) counts as
 * ended, so a late write is refused rather than accepted.
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
   * token in ARGV[1], and its lease has not ended; otherwise the script answers 0 (lease lost) and
   * changes nothing. Leaves {@code k}, the value {@code v}, its state {@code s} and the lease left
   * {@code ttl} for the write.
   */
  private static final String FENCED =
      """
      local k = KEYS[1]
      local v = redis.call('GET', k)
      if not v then return 0 end
      local s = string.sub(v, 2, 2)
      if (s ~= 'N' and s ~= 'P') or string.sub(v, 115) ~= ARGV[1] then return 0 end
      local ttl = redis.call('PTTL', k)
      if ttl <= 0 then return 0 end
      """;

  /**
   * After {@link #FENCED} and {@link #NOW}: the record's created-at. A SET NX claim ('N') stored
   * its lease, and its TTL has not been touched since (renew rewrites it as 'P'), so it was created
   * at its expiry minus the lease; never later than now, whatever the millisecond rounding.
   */
  private static final String CREATED =
      """
      local created = tonumber(string.sub(v, 67, 82))
      if s == 'N' then created = math.min(now, now + ttl - created) end
      """;

  /**
   * The claim for servers older than 7.0, where SET cannot combine NX and GET; answers like that
   * command. ARGV: the claim's value, lease millis. Reply: the existing value, or nil when it set.
   */
  public static final Script CLAIM =
      new Script(
          "acquire",
          ScriptOutputType.VALUE,
          """
          local v = redis.call('GET', KEYS[1])
          if v then return v end
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return false
          """);

  /** ARGV: token, result, retention millis. Reply: 1 applied, 0 lease lost. */
  public static final Script COMPLETE =
      new Script(
          "complete",
          ScriptOutputType.INTEGER,
          FENCED
              + NOW
              + CREATED
              + """
              local retention = tonumber(ARGV[3])
              redis.call('SET', k, '1C' .. string.sub(v, 3, 66)
                .. string.format('%016d%016d%016d', created, now, now + retention) .. ARGV[2],
                'PX', retention)
              return 1
              """);

  /**
   * ARGV: token, lease millis. Reply: 1 applied, 0 lease lost. A SET NX claim is rewritten with its
   * created-at, which the new TTL would no longer give; otherwise only the TTL moves.
   */
  public static final Script RENEW =
      new Script(
          "renew",
          ScriptOutputType.INTEGER,
          FENCED
              + """
              if s == 'P' then
                redis.call('PEXPIRE', k, ARGV[2])
                return 1
              end
              """
              + NOW
              + CREATED
              + """
              redis.call('SET', k, '1P' .. string.sub(v, 3, 66) .. string.format('%016d', created)
                .. string.rep('0', 32) .. ARGV[1], 'PX', ARGV[2])
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
          """
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl == -2 then return 0 end
          redis.call('DEL', KEYS[1])
          if ttl == 0 then return 0 end
          return 1
          """);

  /**
   * No ARGV. Reply: {@code {}} when absent or in its last millisecond, else {@code {value, pttl,
   * now}}: the in-progress record's expiry is {@code now + pttl}, and a SET NX claim's created-at
   * is derived from it.
   */
  public static final Script FIND =
      new Script(
          "find",
          ScriptOutputType.MULTI,
          """
          local v = redis.call('GET', KEYS[1])
          if not v then return {} end
          local ttl = redis.call('PTTL', KEYS[1])
          if ttl == 0 or ttl == -2 then return {} end
          """
              + NOW
              + """
              return {v, ttl, now}
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
