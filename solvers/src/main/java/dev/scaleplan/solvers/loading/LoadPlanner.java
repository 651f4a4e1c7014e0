package dev.scaleplan.solvers.loading;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Parameter loading plans: pipelined chain multicast over the GPU network (BlitzScale, OSDI 2025, section 4) with
 * hierarchical sourcing for what no GPU can feed (San Juan and Wong, 2023: the nearest tier that holds the model),
 * and the baselines users know.
 *
 * <p><b>Plan.</b> Each shard {@code j} (1/k of every layer) is planned on its own: the new instances' GPUs {@code j},
 * grouped by host. A host with a serving GPU {@code j} feeds its group over NVLink; a host that holds the model in
 * memory (or on an SSD) at least as fast as its NIC feeds its group from there; the other groups are spread round-robin
 * over chains, one per serving GPU {@code j}: the chain's head sends to the first GPU of its first group, which
 * forwards each chunk as soon as it has it to the next GPU (over NVLink inside a host, over RDMA between hosts), and
 * so on. With no serving GPU, chains start at hosts holding the model in memory, then at the object store; their
 * number is chosen to minimise the estimated makespan (more chains are shorter but share the store).
 *
 * <p><b>Timing.</b> Chains run at max-min fair rates over the links they share ({@link Network#fairRates}), fixed for
 * the whole load (bandwidth a finished chain frees is not handed on, so times are upper bounds of the fluid schedule).
 * A chain of rate {@code r} and chunk {@code c} delivers byte {@code x} to its {@code i}-th GPU at
 * {@code ceil(x/c) c / r + (i - 1) c / r + i * latency}: for a whole shard of {@code S} bytes the closed form
 * {@code S/r + (n - 1) c / r} of a pipelined chain of {@code n} (BlitzScale, section 4.2).
 *
 * <p><b>Lower bound.</b> The largest of three: every plan here (and every baseline) feeds a GPU's shard along one path
 * at a time, so none finishes before {@code shard / b} for any target GPU, with {@code b} the fastest path into it from
 * a place that holds the model (NVLink from a serving GPU of its host, PCIe from its host's memory, its SSD, the
 * network from a serving GPU, a memory host or the object store; a path's rate is its slowest link); a host without a
 * copy receives each distinct shard its new GPUs need through its NICs, so no plan beats
 * {@code shards * shard / (NICs * NIC bandwidth)}; and when the object store is the only copy, every shard leaves it
 * at least once.
 */
public final class LoadPlanner {
  /** Our plan's name. */
  public static final String MULTICAST = "multicast";
  /** Baseline: every target GPU reads its shard from the object store. */
  public static final String OBJECT_STORE = "object-store";
  /** Baseline: every target GPU reads from its own host's memory ("cache everywhere"). */
  public static final String HOST_CACHE = "host-cache";
  /** Baseline: each target GPU reads from its fastest tier, without GPU sources or multicast (ServerlessLLM). */
  public static final String FASTEST_TIER = "fastest-tier";

  private LoadPlanner() {}

  /**
   * How long one new instance takes to load: the multicast plan for an instance of {@code parallelDegree} GPUs on the
   * second host of {@code topology}, fed by a serving instance on the first (when {@code fromServing}) and the object
   * store. This is the time the scaling planner's horizontal steps take ({@code TransitionPlanner.Timing}).
   */
  public static double newInstanceSeconds(Topology topology, long[] layerBytes, int parallelDegree,
      boolean fromServing) {
    if (topology.hosts().size() < 2) {
      throw new IllegalArgumentException("The topology needs two hosts (one serving, one new) to time a load.");
    }
    int[] gpus = java.util.stream.IntStream.range(0, parallelDegree).toArray();
    List<LoadRequest.Instance> serving = fromServing
        ? List.of(new LoadRequest.Instance(topology.hosts().get(0).name(), gpus)) : List.of();
    LoadRequest r = new LoadRequest(topology, layerBytes, parallelDegree, serving, Set.of(), Set.of(), true,
        List.of(new LoadRequest.Instance(topology.hosts().get(1).name(), gpus)), LoadRequest.DEFAULT_CHUNK);
    return plan(r).makespanSeconds();
  }

  /** Our plan and the three baselines, in that order. */
  public static List<LoadPlan> compare(LoadRequest request) {
    return List.of(plan(request), objectStore(request), hostCache(request), fastestTier(request));
  }

  /** A receiving GPU on a chain. */
  private record Node(int target, int shard, int host, int gpu) {}

  /** A chain: where it starts, its GPUs in order, and the ports its hops use. */
  private static final class Chain {
    final LoadPlan.Tier tier;
    final int headHost;
    final int headGpu; // -1 for a non-GPU head
    final List<Node> nodes = new ArrayList<>();
    final List<Integer> ports = new ArrayList<>();

    Chain(LoadPlan.Tier tier, int headHost, int headGpu) {
      this.tier = tier;
      this.headHost = headHost;
      this.headGpu = headGpu;
    }

    void add(Network net, Node n) {
      int[] hop;
      if (nodes.isEmpty()) {
        hop = switch (tier) {
          case GPU -> net.gpuToGpu(headHost, headGpu, n.host(), n.gpu());
          case HOST_MEMORY -> net.memoryToGpu(n.host(), n.gpu());
          case LOCAL_SSD -> net.ssdToGpu(n.host(), n.gpu());
          case REMOTE_MEMORY -> net.remoteMemoryToGpu(headHost, n.host(), n.gpu());
          case REMOTE_SSD -> net.remoteSsdToGpu(headHost, n.host(), n.gpu());
          case OBJECT_STORE -> net.storeToGpu(n.host(), n.gpu());
        };
      } else {
        Node last = nodes.get(nodes.size() - 1);
        hop = net.gpuToGpu(last.host(), last.gpu(), n.host(), n.gpu());
      }
      for (int p : hop) {
        ports.add(p);
      }
      nodes.add(n);
    }

    String headName(Topology t) {
      String h = t.hosts().get(headHost).name();
      return switch (tier) {
        case GPU -> h + "/gpu" + headGpu;
        case HOST_MEMORY, REMOTE_MEMORY -> h + "/memory";
        case LOCAL_SSD, REMOTE_SSD -> h + "/ssd";
        case OBJECT_STORE -> "object-store";
      };
    }
  }

  /**
   * Our plan: chain multicast from serving GPUs, local tiers where faster, chains from memory or the store else. The
   * planner builds one candidate per prefix of the serving instances (none, the first, the first two, ..., all) and
   * keeps the fastest, so a serving instance added at the end of the list never makes the plan slower.
   */
  public static LoadPlan plan(LoadRequest request) {
    Objects.requireNonNull(request, "request");
    double bound = lowerBound(request);
    LoadPlan best = null;
    for (int m = 0; m <= request.sources().size(); m++) {
      LoadPlan p = candidate(request, m, bound);
      if (p != null && (best == null || p.makespanSeconds() < best.makespanSeconds())) {
        best = p;
      }
    }
    return best;
  }

  /** The plan that uses the first {@code sourcesUsed} serving instances, or null when it cannot feed every GPU. */
  private static LoadPlan candidate(LoadRequest request, int sourcesUsed, double bound) {
    Topology t = request.topology();
    Network net = new Network(t);
    List<Chain> chains = new ArrayList<>();
    int k = request.parallelDegree();
    long shard = request.shardBytes();
    for (int j = 0; j < k; j++) {
      Map<Integer, List<Node>> groups = groups(request, j);
      List<int[]> gpuSources = new ArrayList<>();
      for (LoadRequest.Instance s : request.sources().subList(0, sourcesUsed)) {
        gpuSources.add(new int[] {t.indexOf(s.host()), s.gpus()[j]});
      }
      List<List<Node>> remote = new ArrayList<>();
      for (Map.Entry<Integer, List<Node>> e : groups.entrySet()) {
        int h = e.getKey();
        Topology.Host host = t.hosts().get(h);
        int[] local = gpuSources.stream().filter(s -> s[0] == h).findFirst().orElse(null);
        Chain c = null;
        if (local != null) {
          c = new Chain(LoadPlan.Tier.GPU, h, local[1]);
        } else if (request.memoryHosts().contains(host.name())
            && host.pcieBytesPerSecond() >= networkRate(host)) {
          c = new Chain(LoadPlan.Tier.HOST_MEMORY, h, -1);
        } else if (request.ssdHosts().contains(host.name())
            && Math.min(host.ssdBytesPerSecond(), host.pcieBytesPerSecond()) >= networkRate(host)) {
          c = new Chain(LoadPlan.Tier.LOCAL_SSD, h, -1);
        }
        if (c == null) {
          remote.add(e.getValue());
        } else {
          for (Node n : e.getValue()) {
            c.add(net, n);
          }
          chains.add(c);
        }
      }
      if (remote.isEmpty()) {
        continue;
      }
      List<Chain> heads = new ArrayList<>();
      for (int[] s : gpuSources) {
        heads.add(new Chain(LoadPlan.Tier.GPU, s[0], s[1]));
      }
      heads.addAll(tierHeads(request, remote, shard, heads.size()));
      if (heads.isEmpty()) {
        return null; // without these serving GPUs, nothing can feed the remote groups
      }
      // Spread the groups round-robin over the chains, largest groups first; a host's own memory or SSD never
      // feeds it through its own NIC: such a group takes the next head, or its local tier when no other exists.
      remote.sort((a, b) -> Integer.compare(b.size(), a.size()));
      for (int i = 0; i < remote.size(); i++) {
        int host = remote.get(i).get(0).host();
        Chain c = null;
        for (int tries = 0; tries < heads.size() && c == null; tries++) {
          Chain cand = heads.get((i + tries) % heads.size());
          boolean loopback = (cand.tier == LoadPlan.Tier.REMOTE_MEMORY || cand.tier == LoadPlan.Tier.REMOTE_SSD)
              && cand.headHost == host;
          if (!loopback) {
            c = cand;
          }
        }
        if (c == null) {
          c = new Chain(request.memoryHosts().contains(t.hosts().get(host).name()) ? LoadPlan.Tier.HOST_MEMORY
              : LoadPlan.Tier.LOCAL_SSD, host, -1);
          chains.add(c);
        }
        for (Node n : remote.get(i)) {
          c.add(net, n);
        }
      }
      for (Chain c : heads) {
        if (!c.nodes.isEmpty()) {
          chains.add(c);
        }
      }
    }
    return evaluate(MULTICAST, request, net, chains, bound);
  }

  /** The NIC rate a host's group gets from the network (with per-host NICs, also through PCIe). */
  private static double networkRate(Topology.Host h) {
    return h.nicPerGpu() ? h.nicBytesPerSecond() : Math.min(h.nicBytesPerSecond(), h.pcieBytesPerSecond());
  }

  /**
   * Chain heads when no GPU serves the model: each host holding it in memory heads a chain, then the object store
   * heads as many more as minimise the estimated makespan {@code S / r + (len - 1) c / r} with {@code r} the store's
   * share or the NIC, whichever is smaller.
   */
  private static List<Chain> tierHeads(LoadRequest request, List<List<Node>> remote, long shard, int gpuHeads) {
    Topology t = request.topology();
    List<Chain> heads = new ArrayList<>();
    for (String m : request.memoryHosts()) {
      heads.add(new Chain(LoadPlan.Tier.REMOTE_MEMORY, t.indexOf(m), -1));
    }
    heads.sort((a, b) -> Integer.compare(a.headHost, b.headHost));
    if (!request.objectStore()) {
      if (heads.isEmpty() && gpuHeads == 0) {
        // Only SSD copies elsewhere: each SSD host heads a chain over its NIC.
        for (String ssd : new java.util.TreeSet<>(request.ssdHosts())) {
          heads.add(new Chain(LoadPlan.Tier.REMOTE_SSD, t.indexOf(ssd), -1));
        }
      }
      return heads;
    }
    int gpus = remote.stream().mapToInt(List::size).sum();
    double nic = remote.stream().mapToDouble(g -> networkRate(t.hosts().get(g.get(0).host()))).min().orElseThrow();
    long chunk = Math.min(request.chunkBytes(), shard);
    int first = heads.isEmpty() && gpuHeads == 0 ? 1 : 0;
    int bestStore = first;
    double bestTime = Double.POSITIVE_INFINITY;
    for (int storeChains = first; storeChains <= remote.size(); storeChains++) {
      int chainsTotal = gpuHeads + heads.size() + storeChains;
      if (chainsTotal == 0) {
        continue;
      }
      double rate = storeChains == 0 ? nic : Math.min(nic, t.objectStoreBytesPerSecond() / storeChains);
      double length = Math.ceil((double) gpus / chainsTotal);
      double time = shard / rate + (length - 1) * chunk / rate;
      if (time < bestTime - 1e-12) {
        bestTime = time;
        bestStore = storeChains;
      }
    }
    for (int i = 0; i < bestStore; i++) {
      heads.add(new Chain(LoadPlan.Tier.OBJECT_STORE, 0, -1));
    }
    return heads;
  }

  /** The target GPUs holding shard {@code j}, grouped by host in the order of first appearance. */
  private static Map<Integer, List<Node>> groups(LoadRequest request, int j) {
    Map<Integer, List<Node>> groups = new LinkedHashMap<>();
    for (int i = 0; i < request.targets().size(); i++) {
      LoadRequest.Instance inst = request.targets().get(i);
      int h = request.topology().indexOf(inst.host());
      groups.computeIfAbsent(h, x -> new ArrayList<>()).add(new Node(i, j, h, inst.gpus()[j]));
    }
    return groups;
  }

  /** Baseline: every target GPU reads from the object store (which is assumed to hold the model). */
  public static LoadPlan objectStore(LoadRequest request) {
    return direct(OBJECT_STORE, request, (net, n) -> new Chain(LoadPlan.Tier.OBJECT_STORE, 0, -1));
  }

  /** Baseline: every target GPU reads from its own host's memory (every host is assumed to cache the model). */
  public static LoadPlan hostCache(LoadRequest request) {
    return direct(HOST_CACHE, request, (net, n) -> new Chain(LoadPlan.Tier.HOST_MEMORY, n.host(), -1));
  }

  /**
   * Baseline: each target GPU reads from the tier with the fastest path among its host's memory, its SSD, another
   * host's memory and the object store, one read per GPU and no GPU sources: ServerlessLLM's multi-tier loading (Fu et
   * al., OSDI 2024) without multicast. As in ServerlessLLM, the checkpoint is assumed to be in the object store when
   * no other tier holds it.
   */
  public static LoadPlan fastestTier(LoadRequest request) {
    Topology t = request.topology();
    return direct(FASTEST_TIER, request, (net, n) -> {
      Topology.Host h = t.hosts().get(n.host());
      Chain best = null;
      double bestRate = -1;
      if (request.memoryHosts().contains(h.name())) {
        best = new Chain(LoadPlan.Tier.HOST_MEMORY, n.host(), -1);
        bestRate = h.pcieBytesPerSecond();
      }
      if (request.ssdHosts().contains(h.name()) && Math.min(h.ssdBytesPerSecond(), h.pcieBytesPerSecond()) > bestRate) {
        best = new Chain(LoadPlan.Tier.LOCAL_SSD, n.host(), -1);
        bestRate = Math.min(h.ssdBytesPerSecond(), h.pcieBytesPerSecond());
      }
      for (String m : request.memoryHosts()) {
        int from = t.indexOf(m);
        double r = Math.min(t.hosts().get(from).nicBytesPerSecond(), networkRate(h));
        if (from != n.host() && r > bestRate) {
          best = new Chain(LoadPlan.Tier.REMOTE_MEMORY, from, -1);
          bestRate = r;
        }
      }
      double store = Math.min(t.objectStoreBytesPerSecond(), networkRate(h));
      if (best == null || request.objectStore() && store > bestRate) {
        best = new Chain(LoadPlan.Tier.OBJECT_STORE, 0, -1);
      }
      return best;
    });
  }

  private static LoadPlan direct(String name, LoadRequest request,
      java.util.function.BiFunction<Network, Node, Chain> headFor) {
    Network net = new Network(request.topology());
    List<Chain> chains = new ArrayList<>();
    for (int j = 0; j < request.parallelDegree(); j++) {
      for (List<Node> group : groups(request, j).values()) {
        for (Node n : group) {
          Chain c = headFor.apply(net, n);
          c.add(net, n);
          chains.add(c);
        }
      }
    }
    return evaluate(name, request, net, chains, lowerBound(request));
  }

  /** Rates, per-GPU and per-layer times, link use and the lower bound. */
  private static LoadPlan evaluate(String name, LoadRequest request, Network net, List<Chain> chains,
      double bound) {
    Topology t = request.topology();
    List<int[]> flows = new ArrayList<>();
    for (Chain c : chains) {
      flows.add(c.ports.stream().mapToInt(Integer::intValue).toArray());
    }
    double[] rate = net.fairRates(flows);
    long shard = request.shardBytes();
    long chunk = Math.min(request.chunkBytes(), shard);
    int layers = request.layerBytes().length;
    int targets = request.targets().size();
    double[][] layerReady = new double[targets][layers];
    double latency = t.hopLatencySeconds();
    List<LoadPlan.GpuLoad> gpus = new ArrayList<>();
    double[] chainEnd = new double[chains.size()];
    long[] prefix = request.shardPrefixes();
    for (int ci = 0; ci < chains.size(); ci++) {
      Chain c = chains.get(ci);
      double r = rate[ci];
      // One list per chain; each GPU's path is a view of its prefix, so a chain of n costs O(n), not O(n^2).
      List<String> names = new ArrayList<>(c.nodes.size() + 1);
      names.add(c.headName(t));
      for (Node n : c.nodes) {
        names.add(t.hosts().get(n.host()).name() + "/gpu" + n.gpu());
      }
      List<String> fullPath = java.util.Collections.unmodifiableList(names);
      for (int i = 0; i < c.nodes.size(); i++) {
        Node n = c.nodes.get(i);
        List<String> path = fullPath.subList(0, i + 2);
        double delay = i * chunk / r + (i + 1) * latency;
        for (int l = 0; l < layers; l++) {
          long x = prefix[l + 1];
          double arrive = Math.min((double) ((x + chunk - 1) / chunk) * chunk, shard) / r + delay;
          layerReady[n.target()][l] = Math.max(layerReady[n.target()][l], arrive);
        }
        double done = shard / r + delay;
        chainEnd[ci] = Math.max(chainEnd[ci], done);
        gpus.add(new LoadPlan.GpuLoad(n.target(), n.shard(), t.hosts().get(n.host()).name(), n.gpu(), c.tier,
            path, r, done));
      }
    }
    gpus.sort((a, b) -> a.target() != b.target() ? Integer.compare(a.target(), b.target())
        : Integer.compare(a.shard(), b.shard()));
    List<LoadPlan.InstanceLoad> instances = new ArrayList<>();
    double makespan = 0;
    for (int i = 0; i < targets; i++) {
      double done = layerReady[i][layers - 1];
      makespan = Math.max(makespan, done);
      instances.add(new LoadPlan.InstanceLoad(i, request.targets().get(i), layerReady[i], done));
    }
    double[] load = new double[net.ports()];
    int[] users = new int[net.ports()];
    double[] busy = new double[net.ports()];
    List<List<LoadPlan.Transfer>> transfers = new ArrayList<>();
    for (int p = 0; p < net.ports(); p++) {
      transfers.add(new ArrayList<>());
    }
    for (int ci = 0; ci < chains.size(); ci++) {
      for (int p : flows.get(ci)) {
        load[p] += rate[ci];
        users[p]++;
        busy[p] = Math.max(busy[p], chainEnd[ci]);
        transfers.get(p).add(new LoadPlan.Transfer(ci, chains.get(ci).headName(t), rate[ci], 0, chainEnd[ci]));
      }
    }
    List<String> names = net.names();
    List<LoadPlan.LinkUse> links = new ArrayList<>();
    for (int p = 0; p < net.ports(); p++) {
      links.add(new LoadPlan.LinkUse(names.get(p), net.capacity(p), load[p], users[p], busy[p], transfers.get(p)));
    }
    return new LoadPlan(name, gpus, instances, makespan, bound, links);
  }

  /** The single-path lower bound: for every target GPU, its shard over the fastest path from a copy. */
  public static double lowerBound(LoadRequest request) {
    Topology t = request.topology();
    long shard = request.shardBytes();
    double bound = 0;
    for (LoadRequest.Instance inst : request.targets()) {
      int h = t.indexOf(inst.host());
      Topology.Host host = t.hosts().get(h);
      for (int j = 0; j < inst.gpus().length; j++) {
        double best = 0;
        double nicIn = networkRate(host);
        for (LoadRequest.Instance s : request.sources()) {
          int sh = t.indexOf(s.host());
          Topology.Host src = t.hosts().get(sh);
          double path = sh == h
              ? (host.nvlinkBytesPerSecond() > 0 ? host.nvlinkBytesPerSecond() : host.pcieBytesPerSecond())
              : Math.min(networkRate(src), nicIn);
          best = Math.max(best, path);
        }
        if (request.memoryHosts().contains(host.name())) {
          best = Math.max(best, host.pcieBytesPerSecond());
        }
        if (request.ssdHosts().contains(host.name())) {
          best = Math.max(best, Math.min(host.ssdBytesPerSecond(), host.pcieBytesPerSecond()));
        }
        for (String m : request.memoryHosts()) {
          int mh = t.indexOf(m);
          if (mh != h) {
            best = Math.max(best, Math.min(t.hosts().get(mh).nicBytesPerSecond(), nicIn));
          }
        }
        if (request.objectStore()) {
          best = Math.max(best, Math.min(t.objectStoreBytesPerSecond(), nicIn));
        }
        for (String s : request.ssdHosts()) {
          // Another host's SSD crosses that SSD, that host's NIC and this one's.
          int sh = t.indexOf(s);
          if (sh != h) {
            Topology.Host src = t.hosts().get(sh);
            best = Math.max(best, Math.min(Math.min(src.ssdBytesPerSecond(), src.nicBytesPerSecond()), nicIn));
          }
        }
        bound = Math.max(bound, shard / best);
      }
    }
    // Host level: a host without a copy receives every shard its new GPUs need through its NICs.
    Set<String> local = new java.util.HashSet<>(request.memoryHosts());
    local.addAll(request.ssdHosts());
    request.sources().forEach(s -> local.add(s.host()));
    Map<String, Set<Integer>> shardsOn = new LinkedHashMap<>();
    for (LoadRequest.Instance inst : request.targets()) {
      for (int j = 0; j < inst.gpus().length; j++) {
        shardsOn.computeIfAbsent(inst.host(), x -> new java.util.HashSet<>()).add(j);
      }
    }
    for (Map.Entry<String, Set<Integer>> e : shardsOn.entrySet()) {
      if (!local.contains(e.getKey())) {
        Topology.Host h = t.hosts().get(t.indexOf(e.getKey()));
        bound = Math.max(bound, (double) e.getValue().size() * shard / (h.nics() * h.nicBytesPerSecond()));
      }
    }
    // The object store as the only copy: every shard leaves it at least once.
    if (request.sources().isEmpty() && local.isEmpty()) {
      bound = Math.max(bound, (double) request.parallelDegree() * shard / t.objectStoreBytesPerSecond());
    }
    // SSDs as the only copies (and no target on their hosts): every shard leaves one of them at least once.
    if (request.sources().isEmpty() && request.memoryHosts().isEmpty() && !request.objectStore()
        && java.util.Collections.disjoint(request.ssdHosts(), shardsOn.keySet())) {
      double ssd = 0;
      for (String s : request.ssdHosts()) {
        ssd += t.hosts().get(t.indexOf(s)).ssdBytesPerSecond();
      }
      bound = Math.max(bound, (double) request.parallelDegree() * shard / ssd);
    }
    return bound;
  }
}
