package dev.gantry.runtime.informer;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;

/**
 * An informer handler that only signals a change: fabric8 delivers events on a shared thread that
 * must not block, so the work happens on the owner's own thread.
 */
public final class ChangeHandler<T> implements ResourceEventHandler<T> {
  private final Runnable onChange;

  public ChangeHandler(Runnable onChange) {
    this.onChange = onChange;
  }

  @Override
  public void onAdd(T obj) {
    onChange.run();
  }

  @Override
  public void onUpdate(T oldObj, T newObj) {
    onChange.run();
  }

  @Override
  public void onDelete(T obj, boolean deletedFinalStateUnknown) {
    onChange.run();
  }
}
