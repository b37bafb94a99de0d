// SPDX-License-Identifier: Apache-2.0
package org.zonesync.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;

/**
 * Runs an action on a POSIX signal such as SIGHUP, through the JDK's {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}). Reached by reflection, so that the tool still builds and
 * runs on a JDK or platform without it, or where the signal is reserved: {@link #handle}
 * then says why and the caller prints a warning. Stateless.
 */
final class Signals {

  private Signals() {
  }

  /**
   * Runs {@code action} each time the process receives signal {@code name}.
   *
   * @param name the signal without its {@code SIG} prefix, e.g. {@code HUP}
   * @param action what to run, on the JVM's signal thread; must not block for long
   * @return empty when installed, else why not
   */
  static Optional<String> handle(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object sig = signal.getConstructor(String.class).newInstance(name);
      InvocationHandler h = (Object proxy, Method m, Object[] args) -> {
        if (m.getName().equals("handle")) {
          action.run();
          return null;
        }
        return switch (m.getName()) {
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          default -> "SIG" + name + " handler";
        };
      };
      Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(),
          new Class<?>[] {handler}, h);
      signal.getMethod("handle", signal, handler).invoke(null, sig, proxy);
      return Optional.empty();
    } catch (java.lang.reflect.InvocationTargetException e) {
      return Optional.of(String.valueOf(e.getCause().getMessage()));
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return Optional.of(e.toString());
    }
  }
}
