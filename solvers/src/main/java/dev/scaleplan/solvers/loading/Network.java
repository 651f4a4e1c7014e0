package dev.scaleplan.solvers.loading;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The links of a topology as directed ports with capacities, and the ports each kind of hop uses.
 *
 * <p>A hop between GPUs of two hosts uses the sender's NIC out and the receiver's NIC in (and, with one NIC per host,
 * both GPUs' PCIe links, since the data crosses host memory); a hop between GPUs of one host uses NVLink (or PCIe
 * both ways where there is none); host memory to a GPU uses its PCIe link; the SSD uses the host's SSD and the GPU's
 * PCIe link; a remote host's memory uses its NIC out, the receiver's NIC in (and PCIe with per-host NICs); the object
 * store uses its aggregate port, the receiver's NIC in (and PCIe with per-host NICs).
 */
final class Network {
  private final Topology topology;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final List<Double> capacity = new ArrayList<>();

  Network(Topology topology) {
    this.topology = topology;
  }

  Topology topology() {
    return topology;
  }

  /** The port's id, registering it on first use. */
  int port(String name, double bytesPerSecond) {
    Integer i = index.get(name);
    if (i == null) {
      i = capacity.size();
      index.put(name, i);
      capacity.add(bytesPerSecond);
    }
    return i;
  }

  int ports() {
    return capacity.size();
  }

  double capacity(int port) {
    return capacity.get(port);
  }

  List<String> names() {
    return new ArrayList<>(index.keySet());
  }

  private Topology.Host host(int h) {
    return topology.hosts().get(h);
  }

  private int nicOut(int h, int nic) {
    return port(host(h).name() + "/nic" + nic + "/out", host(h).nicBytesPerSecond());
  }

  private int nicIn(int h, int nic) {
    return port(host(h).name() + "/nic" + nic + "/in", host(h).nicBytesPerSecond());
  }

  private int pcieIn(int h, int g) {
    return port(host(h).name() + "/gpu" + g + "/pcie/in", host(h).pcieBytesPerSecond());
  }

  private int pcieOut(int h, int g) {
    return port(host(h).name() + "/gpu" + g + "/pcie/out", host(h).pcieBytesPerSecond());
  }

  /** A GPU-to-GPU hop. */
  int[] gpuToGpu(int h1, int g1, int h2, int g2) {
    Topology.Host a = host(h1);
    Topology.Host b = host(h2);
    if (h1 == h2) {
      if (a.nvlinkBytesPerSecond() > 0) {
        return new int[] {port(a.name() + "/gpu" + g1 + "/nvlink/out", a.nvlinkBytesPerSecond()),
            port(a.name() + "/gpu" + g2 + "/nvlink/in", a.nvlinkBytesPerSecond())};
      }
      return new int[] {pcieOut(h1, g1), pcieIn(h1, g2)};
    }
    if (a.nicPerGpu() && b.nicPerGpu()) {
      return new int[] {nicOut(h1, a.nicOf(g1)), nicIn(h2, b.nicOf(g2))};
    }
    List<Integer> p = new ArrayList<>(List.of(nicOut(h1, a.nicOf(g1)), nicIn(h2, b.nicOf(g2))));
    if (!a.nicPerGpu()) {
      p.add(pcieOut(h1, g1));
    }
    if (!b.nicPerGpu()) {
      p.add(pcieIn(h2, g2));
    }
    return p.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Host memory to one of its GPUs. */
  int[] memoryToGpu(int h, int g) {
    return new int[] {pcieIn(h, g)};
  }

  /** Local SSD to one of the host's GPUs. */
  int[] ssdToGpu(int h, int g) {
    return new int[] {port(host(h).name() + "/ssd", host(h).ssdBytesPerSecond()), pcieIn(h, g)};
  }

  /** A remote host's memory to a GPU (through the remote host's first NIC). */
  int[] remoteMemoryToGpu(int from, int h, int g) {
    List<Integer> p = new ArrayList<>(List.of(nicOut(from, 0), nicIn(h, host(h).nicOf(g))));
    if (!host(h).nicPerGpu()) {
      p.add(pcieIn(h, g));
    }
    return p.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A remote host's SSD to a GPU (through the remote host's first NIC). */
  int[] remoteSsdToGpu(int from, int h, int g) {
    int[] net = remoteMemoryToGpu(from, h, g);
    int[] p = java.util.Arrays.copyOf(net, net.length + 1);
    p[net.length] = port(host(from).name() + "/ssd", host(from).ssdBytesPerSecond());
    return p;
  }

  /** The object store to a GPU. */
  int[] storeToGpu(int h, int g) {
    List<Integer> p = new ArrayList<>(List.of(port("object-store", topology.objectStoreBytesPerSecond()),
        nicIn(h, host(h).nicOf(g))));
    if (!host(h).nicPerGpu()) {
      p.add(pcieIn(h, g));
    }
    return p.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * Max-min fair rates for flows that each use a set of ports at one rate (a pipelined chain moves every hop at the
   * rate of its slowest): progressive filling (Bertsekas and Gallager, "Data Networks", 1992, section 6.5.2). Every
   * flow rises at the same pace until a port it uses is full; those flows stop there; the rest continue. No port ends
   * above its capacity.
   */
  double[] fairRates(List<int[]> flows) {
    int n = flows.size();
    double[] rate = new double[n];
    boolean[] frozen = new boolean[n];
    double[] residual = new double[ports()];
    for (int p = 0; p < residual.length; p++) {
      residual[p] = capacity(p);
    }
    int left = n;
    while (left > 0) {
      int[] users = new int[ports()];
      for (int f = 0; f < n; f++) {
        if (!frozen[f]) {
          for (int p : flows.get(f)) {
            users[p]++;
          }
        }
      }
      double step = Double.POSITIVE_INFINITY;
      for (int p = 0; p < users.length; p++) {
        if (users[p] > 0) {
          step = Math.min(step, residual[p] / users[p]);
        }
      }
      for (int p = 0; p < users.length; p++) {
        residual[p] -= step * users[p];
      }
      for (int f = 0; f < n; f++) {
        if (frozen[f]) {
          continue;
        }
        rate[f] += step;
        for (int p : flows.get(f)) {
          if (residual[p] <= 1e-9 * capacity(p)) {
            frozen[f] = true;
          }
        }
        if (frozen[f]) {
          left--;
        }
      }
    }
    return rate;
  }
}
