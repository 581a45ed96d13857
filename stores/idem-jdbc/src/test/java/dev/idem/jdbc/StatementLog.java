package dev.idem.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * Wraps a real DataSource and records the verb (SELECT, INSERT, UPDATE, …) of every statement
 * prepared through it, so a test can see which statements a store call ran. Not thread-safe.
 */
final class StatementLog {
  final List<String> verbs = new ArrayList<>();
  final DataSource dataSource;

  StatementLog(DataSource real) {
    this.dataSource =
        proxy(
            DataSource.class,
            real,
            (method, result) ->
                result instanceof Connection c
                    ? proxy(Connection.class, c, (m, statement) -> statement)
                    : result);
  }

  /** The verbs recorded since the last call, and a fresh start. */
  List<String> take() {
    List<String> taken = List.copyOf(verbs);
    verbs.clear();
    return taken;
  }

  private interface After {
    Object apply(Method method, Object result);
  }

  private <T> T proxy(Class<T> type, T real, After after) {
    return type.cast(
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {type},
            (p, method, args) -> {
              if (method.getName().equals("prepareStatement")
                  && args != null
                  && args[0] instanceof String sql) {
                verbs.add(sql.strip().split("\\s+", 2)[0].toUpperCase(Locale.ROOT));
              }
              try {
                return after.apply(method, method.invoke(real, args));
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            }));
  }
}
