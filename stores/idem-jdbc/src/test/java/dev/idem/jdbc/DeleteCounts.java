package dev.idem.jdbc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * Wraps a real DataSource and records the update count of every DELETE statement run through it, so
 * a test can see how many rows each sweep statement removed. Everything else passes through.
 */
final class DeleteCounts {
  final List<Integer> counts = new CopyOnWriteArrayList<>();
  final DataSource dataSource;

  DeleteCounts(DataSource real) {
    this.dataSource = proxy(DataSource.class, real, this::wrapConnection);
  }

  private Object wrapConnection(Method method, Object result) {
    if (result instanceof Connection c) {
      return proxy(Connection.class, c, (m, r) -> r);
    }
    return result;
  }

  private <T> T proxy(Class<T> type, T real, Wrapper wrapper) {
    InvocationHandler handler =
        (p, method, args) -> {
          Object result = invoke(method, real, args);
          if (type == Connection.class
              && method.getName().equals("prepareStatement")
              && args != null
              && args[0] instanceof String sql
              && sql.startsWith("DELETE")) {
            PreparedStatement ps = (PreparedStatement) result;
            return Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class},
                (p2, m2, a2) -> {
                  Object r2 = invoke(m2, ps, a2);
                  if (m2.getName().equals("executeUpdate")) {
                    counts.add((Integer) r2);
                  }
                  return r2;
                });
          }
          return wrapper.wrap(method, result);
        };
    return type.cast(
        Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @FunctionalInterface
  private interface Wrapper {
    Object wrap(Method method, Object result);
  }
}
