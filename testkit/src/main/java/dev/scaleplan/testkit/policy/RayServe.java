package dev.scaleplan.testkit.policy;

import dev.scaleplan.api.Checks;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.Observation;
import java.util.ArrayDeque;

/**
 * Ray Serve's default autoscaling policy (docs.ray.io, "Ray Serve Autoscaling" and {@code AutoscalingConfig}): the
 * ongoing requests per replica (running and queued) are averaged over the look-back period (30 s); every metrics
 * interval (10 s) the raw decision is {@code ceil(current * average / target_ongoing_requests)} (target 2), moved
 * toward by the smoothing factor (1), less one when the smoothing alone keeps the count where it is though the raw
 * decision is lower (as Ray's {@code _calculate_desired_num_replicas} does); it is applied only after the same
 * direction has been decided for the upscale delay (30 s) or the downscale delay (600 s). From zero replicas, a waiting
 * request starts one at once.
 */
public final class RayServe implements AutoscalingPolicy {
  private final double target;
  private final int min;
  private final int max;
  private final double intervalSeconds;
  private final double lookBackSeconds;
  private final double upscaleDelay;
  private final double downscaleDelay;
  private final double smoothing;
  private final ArrayDeque<double[]> samples = new ArrayDeque<>();
  private double lastDecision;  // the first decision is one interval into the run
  private double upSince = Double.NaN;
  private double downSince = Double.NaN;
  private int desired = -1;

  /** Ray Serve's defaults: target 2, 10 s interval, 30 s look-back, 30 s up and 600 s down delays, smoothing 1. */
  public RayServe(int min, int max) {
    this(2, min, max, 10, 30, 30, 600, 1);
  }

  public RayServe(double targetOngoing, int min, int max, double intervalSeconds, double lookBackSeconds,
      double upscaleDelaySeconds, double downscaleDelaySeconds, double smoothingFactor) {
    Checks.positive("target ongoing requests", targetOngoing);
    Checks.atLeast("minimum replicas", min, 0);
    Checks.atLeast("maximum replicas", max, Math.max(1, min));
    Checks.positive("metrics interval (s)", intervalSeconds);
    Checks.positive("look-back period (s)", lookBackSeconds);
    Checks.nonNegative("upscale delay (s)", upscaleDelaySeconds);
    Checks.nonNegative("downscale delay (s)", downscaleDelaySeconds);
    Checks.positive("smoothing factor", smoothingFactor);
    this.target = targetOngoing;
    this.min = min;
    this.max = max;
    this.intervalSeconds = intervalSeconds;
    this.lookBackSeconds = lookBackSeconds;
    this.upscaleDelay = upscaleDelaySeconds;
    this.downscaleDelay = downscaleDelaySeconds;
    this.smoothing = smoothingFactor;
  }

  @Override
  public String name() {
    return "ray-serve";
  }

  @Override
  public int[] decide(Observation o) {
    double now = o.nowSeconds();
    if (desired < 0) {
      desired = Math.max(min, Math.min(max, o.provisionedTotal()));
    }
    samples.addLast(new double[] {now, o.queued() + o.inService()});
    while (samples.peekFirst()[0] <= now - lookBackSeconds) {
      samples.pollFirst();
    }
    if (o.readyTotal() == 0 && o.provisionedTotal() == 0 && o.queued() > 0) {
      desired = Math.max(desired, Math.max(1, min));  // cold start from zero on the first request
    }
    if (now - lastDecision + 1e-9 >= intervalSeconds) {
      lastDecision = now;
      double total = 0;
      for (double[] s : samples) {
        total += s[1];
      }
      double average = total / samples.size();
      int current = Math.max(1, o.readyTotal());
      // current x (ongoing per replica / target), the ongoing per replica being the total over the replicas
      double raw = average / target;
      double smoothed = current + smoothing * (raw - current);
      int unclamped = (int) Math.ceil(smoothed - 1e-9);
      if (Math.ceil(raw - 1e-9) < current && unclamped == current) {
        unclamped--;  // Ray: a smoothing factor below 1 must not keep an idle deployment stuck at its size
      }
      int next = Math.max(min, Math.min(max, unclamped));
      if (next > desired) {
        downSince = Double.NaN;
        upSince = Double.isNaN(upSince) ? now : upSince;
        if (now - upSince >= upscaleDelay) {
          desired = next;
          upSince = Double.NaN;
        }
      } else if (next < desired) {
        upSince = Double.NaN;
        downSince = Double.isNaN(downSince) ? now : downSince;
        if (now - downSince >= downscaleDelay) {
          desired = next;
          downSince = Double.NaN;
        }
      } else {
        upSince = Double.NaN;
        downSince = Double.NaN;
      }
    }
    int[] w = new int[o.catalog().size()];
    w[0] = desired;
    return w;
  }
}
