package dev.scaleplan.solvers.scaling;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an instance costs: its GPU count, or its GPU count times a price per GPU of its type.
 *
 * <p>The exact solvers work on integers, so prices are read in units of {@link #PRICE_RESOLUTION} (a ten-thousandth
 * of the currency unit, finer than any cloud price list) and must be whole multiples of it; the DP and the ILP then
 * compare costs without rounding.
 */
public final class CostModel {
  /** Prices are whole multiples of this. */
  public static final double PRICE_RESOLUTION = 1e-4;

  private static final CostModel GPUS = new CostModel(Map.of());
  private final Map<String, Long> priceUnits;
  private final Map<String, Double> prices;

  private CostModel(Map<String, Double> prices) {
    Map<String, Long> units = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Map<String, Double> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, Double> e : prices.entrySet()) {
      String type = Objects.requireNonNull(e.getKey(), "GPU type");
      double p = Objects.requireNonNull(e.getValue(), "price");
      if (!(p > 0) || !Double.isFinite(p) || p > 1e9) {
        throw new IllegalArgumentException(
            "The price per GPU of " + type + " (" + p + ") must be a finite number above 0 and at most 1e9.");
      }
      java.math.BigDecimal exact = new java.math.BigDecimal(Double.toString(p));
      if (exact.stripTrailingZeros().scale() > 4 || p < PRICE_RESOLUTION) {
        throw new IllegalArgumentException("The price per GPU of " + type + " (" + p
            + ") must be a whole multiple of " + PRICE_RESOLUTION + ".");
      }
      if (units.put(type, exact.movePointRight(4).longValueExact()) != null) {
        throw new IllegalArgumentException("The GPU type " + type + " has two prices (GPU types ignore case).");
      }
      copy.put(type, p);
    }
    this.priceUnits = units;
    this.prices = copy;
  }

  /** Cost = GPUs. */
  public static CostModel gpus() {
    return GPUS;
  }

  /** Cost = GPUs times the price per GPU of the instance's type; every type planned must have a price. */
  public static CostModel prices(Map<String, Double> pricePerGpu) {
    Objects.requireNonNull(pricePerGpu, "pricePerGpu");
    return pricePerGpu.isEmpty() ? GPUS : new CostModel(pricePerGpu);
  }

  /** Whether costs are prices rather than GPU counts. */
  public boolean priced() {
    return !prices.isEmpty();
  }

  /** The unit of {@link #cost}: {@code "GPUs"} or {@code "price units"} (the currency and period of the prices). */
  public String unit() {
    return priced() ? "price units" : "GPUs";
  }

  /** The price per GPU of a type, 1 when unpriced. */
  public double pricePerGpu(String gpuType) {
    if (!priced()) {
      return 1;
    }
    Double p = prices.get(gpuType);
    if (p == null) {
      throw new IllegalArgumentException("There is no price for GPU type " + gpuType + "; prices are given for "
          + prices.keySet() + ".");
    }
    return p;
  }

  /** The cost of one instance of the option. */
  public double cost(InstanceOption option) {
    return option.gpus() * pricePerGpu(option.gpuType());
  }

  /**
   * The cost as an exact integer: the GPU count, or GPUs times the price in units of {@link #PRICE_RESOLUTION}.
   */
  public long units(InstanceOption option) {
    if (!priced()) {
      return option.gpus();
    }
    pricePerGpu(option.gpuType()); // names the missing type
    return option.gpus() * priceUnits.get(option.gpuType());
  }

  /** Converts integer cost units back to the cost's unit. */
  public double fromUnits(long units) {
    return priced() ? units * PRICE_RESOLUTION : units;
  }

  /** Converts a cost (such as a budget) to integer units, rounding down. */
  public long toUnitsFloor(double cost) {
    if (!(cost >= 0)) {
      return 0;
    }
    if (cost > 1e14) {
      return Long.MAX_VALUE / 4;
    }
    java.math.BigDecimal c = new java.math.BigDecimal(Double.toString(cost));
    return (priced() ? c.movePointRight(4) : c).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
  }

  @Override
  public String toString() {
    return priced() ? "prices " + prices : "GPU count";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CostModel c && c.prices.equals(prices);
  }

  @Override
  public int hashCode() {
    return prices.hashCode();
  }
}
