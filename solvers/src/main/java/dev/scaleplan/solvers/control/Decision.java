package dev.scaleplan.solvers.control;

import dev.scaleplan.api.ScalingAction;
import java.util.List;

/**
 * What the {@link Autoscaler} decided at one observation: the actions to carry out (each with its expected timing and
 * reason), the actions it gave up on since the last decision, the instances it will have per kind once the actions
 * complete, the signals it planned with, and the reasons in words.
 *
 * @param nowSeconds the observation's time
 * @param actions the actions to carry out, in order (resizes, then starts, then drains)
 * @param failures actions that failed, timed out or were refused since the last decision
 * @param target instances per catalog kind once the actions complete (ready plus starting)
 * @param ready instances serving now per kind, as observed: the only capacity the controller believes in
 * @param believedCapacity requests per second the ready instances meet the SLO at
 * @param plannedRate the arrival rate planned for, requests per second (the panic, stable or forecast rate)
 * @param stableRate the stable window's rate
 * @param panicRate the panic window's rate
 * @param bursting whether the panic window saw a burst
 * @param forecastRate the forecast rate over the next load time, or 0 without forecasting
 * @param demandUnits the demand in capacities of the smallest kind (rates, backlog, tokens, KV cache)
 * @param held requests waiting with no instance serving (scale from zero), 0 otherwise
 * @param holdSeconds how long they wait until the first instance is expected to serve; 0 when none are held
 * @param reasons why, in words, one clause per line
 */
public record Decision(double nowSeconds, List<ScalingAction> actions, List<Failure> failures, int[] target,
    int[] ready, double believedCapacity, double plannedRate, double stableRate, double panicRate, boolean bursting,
    double forecastRate, double demandUnits, long held, double holdSeconds, String reasons) {

  /**
   * An action that did not deliver.
   *
   * @param action the action
   * @param cause what happened, in words
   * @param next what the controller does about it, in words
   */
  public record Failure(ScalingAction action, String cause, String next) {
    @Override
    public String toString() {
      return action + " failed: " + cause + "; " + next;
    }
  }

  /** Instances in the target, over every kind. */
  public int targetTotal() {
    int n = 0;
    for (int t : target) {
      n += t;
    }
    return n;
  }

  /** Whether nothing is to be done. */
  public boolean idle() {
    return actions.isEmpty();
  }
}
