package dev.gantry.testbed;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.platform.commons.support.AnnotationSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JUnit 5 side of {@link WithClusters}: one {@link Testbed} per test class. */
public final class TestbedExtension
    implements ExecutionCondition,
        BeforeAllCallback,
        AfterAllCallback,
        ParameterResolver,
        TestWatcher {
  private static final Logger log = LoggerFactory.getLogger(TestbedExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(TestbedExtension.class);

  /** Disables (and reports as skipped, with the reason) a class whose provider cannot run. */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (context.getTestMethod().isPresent()) {
      return ConditionEvaluationResult.enabled("decided for the class");
    }
    ClusterProvider provider = provider(context);
    String unavailable = provider.unavailableReason();
    if (unavailable == null) {
      return ConditionEvaluationResult.enabled(provider.name() + " provider available");
    }
    String reason =
        "skipped: the " + provider.name() + " test-bed provider cannot run here: " + unavailable;
    log.warn("{}: {}", context.getDisplayName(), reason);
    return ConditionEvaluationResult.disabled(reason);
  }

  private static WithClusters spec(ExtensionContext context) {
    return AnnotationSupport.findAnnotation(context.getRequiredTestClass(), WithClusters.class)
        .orElseThrow(() -> new IllegalStateException("TestbedExtension needs @WithClusters"));
  }

  private static ClusterProvider provider(ExtensionContext context) {
    WithClusters spec = spec(context);
    return spec.provider().isEmpty()
        ? ClusterProvider.fromSystemProperty()
        : ClusterProvider.named(spec.provider());
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    WithClusters spec = spec(context);
    ClusterProvider provider = provider(context);
    Testbed testbed = Testbed.start(provider, List.of(spec.value()));
    context.getStore(NAMESPACE).put(Testbed.class, testbed);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Testbed testbed = context.getStore(NAMESPACE).remove(Testbed.class, Testbed.class);
    if (testbed != null) {
      testbed.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Testbed.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Testbed testbed = find(context);
    if (testbed == null) {
      throw new ParameterResolutionException("the test bed is not running");
    }
    return testbed;
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Testbed testbed = find(context);
    if (testbed != null) {
      log.error(
          "{} failed; test-bed files in {}\n{}",
          context.getDisplayName(),
          testbed.directory(),
          testbed.logTails(40));
    }
  }

  private static Testbed find(ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      Testbed testbed = c.getStore(NAMESPACE).get(Testbed.class, Testbed.class);
      if (testbed != null) {
        return testbed;
      }
    }
    return null;
  }
}
