package dev.gantry.testbed;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts real clusters once for the annotated test class and injects the {@link Testbed} into
 * constructors, lifecycle methods and tests. Logs of the cluster processes are printed when a test
 * fails.
 *
 * <pre>{@code
 * @WithClusters({"east", "west", "hub"})
 * class MirrorIT {
 *   @Test
 *   void mirrors(Testbed testbed) { testbed.cluster("east").client()... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TestbedExtension.class)
public @interface WithClusters {
  /** Names of the clusters to start, each independent (own etcd and apiserver). */
  String[] value();

  /** Provider override ({@code local} or {@code kind}); empty means -Dgantry.testbed.provider. */
  String provider() default "";
}
