package dev.gantry.xds.compile;

import dev.gantry.xds.ir.ProxyVerdict;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a compile step gives: a value, or the errors that explain why there is none. Steps return it
 * instead of a null beside an error list, so a caller cannot mistake "invalid" for "absent".
 */
public record Outcome<T>(T value, List<ProxyVerdict.Error> errors) {
  public Outcome {
    errors = List.copyOf(errors);
    if ((value == null) == errors.isEmpty()) {
      throw new IllegalArgumentException("an outcome is a value or errors, not both or neither");
    }
  }

  public static <T> Outcome<T> of(T value) {
    return new Outcome<>(Objects.requireNonNull(value, "value"), List.of());
  }

  public static <T> Outcome<T> failed(ProxyVerdict.Error error) {
    return new Outcome<>(null, List.of(error));
  }

  public static <T> Outcome<T> failed(List<ProxyVerdict.Error> errors) {
    return new Outcome<>(null, errors);
  }

  public boolean ok() {
    return value != null;
  }

  /** The value transformed, or the same errors. */
  public <R> Outcome<R> map(Function<? super T, ? extends R> f) {
    return ok() ? Outcome.of(f.apply(value)) : Outcome.failed(errors);
  }

  /** The value, or null after adding the errors to {@code report}. */
  public T orReport(List<ProxyVerdict.Error> report) {
    report.addAll(errors);
    return value;
  }

  /**
   * The errors when there are any, else the value {@code value} gives: for a step that checks
   * everything it can before it gives up, so that one verdict names every problem.
   */
  public static <T> Outcome<T> unless(List<ProxyVerdict.Error> errors, Supplier<T> value) {
    return errors.isEmpty() ? Outcome.of(value.get()) : Outcome.failed(errors);
  }

  /** As {@link #orReport} for a value that may be absent: null when absent or invalid. */
  public static <T> T orReportAbsent(
      Outcome<Optional<T>> outcome, List<ProxyVerdict.Error> report) {
    Optional<T> value = outcome.orReport(report);
    return value == null ? null : value.orElse(null);
  }
}
