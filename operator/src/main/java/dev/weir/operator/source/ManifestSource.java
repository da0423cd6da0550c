package dev.weir.operator.source;

import dev.weir.operator.state.ClusterChangeListener;
import dev.weir.operator.state.ClusterState;
import dev.weir.operator.state.InMemoryClusterState;
import dev.weir.operator.state.ObjectRef;
import dev.weir.operator.state.ResourceKind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster state from a directory of manifests: every {@code *.yaml}, {@code *.yml} and {@code
 * *.json} file directly in it (not in subdirectories; files whose name starts with a dot are
 * skipped, which leaves out editor swap files and the {@code ..data} links of a mounted ConfigMap).
 * Files are watched: a WatchService wakes the scan at once where the platform delivers events, and
 * a poll every {@code pollInterval} catches what it misses (network file systems, macOS, replaced
 * symlinks), so a change is reflected within about that interval.
 *
 * <p>A file that cannot be parsed is reported once per content (one log line naming the file and
 * the reason) and its objects from its last good version are kept. Kinds other than the five Weir
 * reads are ignored. Secrets of every type are kept (a directory holds few): only {@code
 * kubernetes.io/tls} ones serve TLS entries, and others are read only when an annotation names them
 * (the CA bundles of {@code auth-tls-secret} and {@code proxy-ssl-secret}), as with the API server.
 */
public final class ManifestSource implements ClusterSource {
  private static final Logger LOG = LoggerFactory.getLogger(ManifestSource.class);
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(300);

  /**
   * A file modified this recently is re-read even if its time and size look unchanged: file times
   * can be as coarse as a second, so a same-size edit within that second would otherwise be missed
   * (git calls this the racy-clean problem).
   */
  private static final Duration RACY_WINDOW = Duration.ofSeconds(2);

  private static final Duration SETTLE = Duration.ofMillis(50);

  /** Below this size a file is one write for any common writer: see {@link #completeness}. */
  static final int ONE_WRITE = 4096;

  private final Path directory;
  private final Duration pollInterval;
  private final List<ClusterChangeListener> listeners = new CopyOnWriteArrayList<>();
  private final Map<Path, LoadedFile> files = new HashMap<>();
  private final Object lifecycle = new Object();
  private volatile InMemoryClusterState state = InMemoryClusterState.empty();
  private volatile boolean synced;
  private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();
  private volatile boolean running;
  private Thread watcher;
  private WatchService watchService;

  public ManifestSource(Path directory) {
    this(directory, DEFAULT_POLL_INTERVAL);
  }

  public ManifestSource(Path directory, Duration pollInterval) {
    this.directory = Objects.requireNonNull(directory, "directory");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval must be positive");
    }
    this.pollInterval = pollInterval;
  }

  /**
   * Loads the directory once, synchronously (so {@link #hasSynced()} is true on return), then
   * watches it on a daemon thread.
   */
  @Override
  public void start() {
    synchronized (lifecycle) {
      if (running || watcher != null) {
        return;
      }
      if (!Files.isDirectory(directory)) {
        throw new IllegalArgumentException("manifest directory " + directory + " does not exist");
      }
      running = true;
      scan();
      synced = true;
      firstLoad.complete(null);
      try {
        watchService = directory.getFileSystem().newWatchService();
        directory.register(
            watchService,
            StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      } catch (IOException | UnsupportedOperationException e) {
        LOG.info(
            "event=manifest_watch_unavailable directory={} reason=\"{}\" fallback=poll",
            directory,
            e.toString());
        watchService = null;
      }
      watcher = new Thread(this::watchLoop, "weir-manifests");
      watcher.setDaemon(true);
      watcher.start();
      LOG.info(
          "event=source_started source=manifests directory={} poll_ms={} objects={}",
          directory,
          pollInterval.toMillis(),
          state.counts());
    }
  }

  @Override
  public boolean hasSynced() {
    return synced;
  }

  @Override
  public CompletionStage<Void> synced() {
    return firstLoad.copy();
  }

  @Override
  public ClusterState state() {
    return state;
  }

  @Override
  public void addListener(ClusterChangeListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void close() {
    Thread toJoin;
    synchronized (lifecycle) {
      if (!running) {
        return;
      }
      running = false;
      toJoin = watcher;
      if (watchService != null) {
        try {
          watchService.close();
        } catch (IOException e) {
          LOG.debug("event=manifest_watch_close_failed error={}", e.toString());
        }
      }
    }
    toJoin.interrupt();
    try {
      toJoin.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("event=source_stopped source=manifests directory={}", directory);
  }

  private void watchLoop() {
    while (running) {
      try {
        if (watchService != null) {
          WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents(); // which file changed does not matter: the scan compares them all
            key.reset();
          }
        } else {
          Thread.sleep(pollInterval.toMillis());
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        if (!running) {
          return;
        }
      }
      if (running) {
        try {
          scan();
        } catch (RuntimeException e) {
          LOG.warn("event=manifest_scan_failed directory={} error={}", directory, e.toString());
        }
      }
    }
  }

  /** Re-reads what changed; publishes a new state and tells listeners if any object changed. */
  private void scan() {
    Map<Path, FileStamp> present = list();
    // The objects whose definition may have changed: those of removed and reloaded files.
    Set<ObjectRef> affected = new HashSet<>();
    boolean changed =
        files
            .entrySet()
            .removeIf(
                entry -> {
                  if (!present.containsKey(entry.getKey())) {
                    LOG.info("event=manifest_removed file={}", entry.getKey());
                    affected.addAll(entry.getValue().byRef().keySet());
                    return true;
                  }
                  return false;
                });
    long now = System.currentTimeMillis();
    Map<Path, byte[]> unsettled = new TreeMap<>();
    for (Map.Entry<Path, FileStamp> entry : present.entrySet()) {
      Path path = entry.getKey();
      FileStamp stamp = entry.getValue();
      LoadedFile previous = files.get(path);
      boolean racy = now - stamp.modified().toMillis() < RACY_WINDOW.toMillis();
      if (previous != null && previous.stamp().equals(stamp) && !racy) {
        continue;
      }
      byte[] content = read(path);
      if (content == null) {
        continue;
      }
      if (previous != null && previous.digest().equals(sha256(content))) {
        files.put(path, previous.withStamp(stamp));
        continue;
      }
      Completeness completeness = completeness(content, !racy);
      if (completeness != Completeness.UNKNOWN) {
        Loaded loaded = load(path, stamp, content, completeness == Completeness.SETTLED, affected);
        if (loaded != Loaded.NOT_YET) {
          changed |= loaded == Loaded.CHANGED;
          continue;
        }
      }
      unsettled.put(path, content);
    }
    if (!unsettled.isEmpty()) {
      settle();
    }
    for (Map.Entry<Path, byte[]> candidate : unsettled.entrySet()) {
      Path path = candidate.getKey();
      byte[] content = read(path);
      if (content == null || !Arrays.equals(content, candidate.getValue())) {
        continue; // still being written: the next scan takes it
      }
      changed |= load(path, present.get(path), content, true, affected) == Loaded.CHANGED;
    }
    if (changed) {
      publish(affected);
    }
  }

  private enum Loaded {
    CHANGED,
    KEPT,
    NOT_YET
  }

  /**
   * Reads {@code content} as the file's new version: CHANGED when its objects changed; a file that
   * does not parse keeps the objects of its last good version (KEPT), or, when it may still be
   * being written ({@code settled} false), is left for the settle pause (NOT_YET).
   */
  private Loaded load(
      Path path, FileStamp stamp, byte[] content, boolean settled, Set<ObjectRef> affected) {
    LoadedFile previous = files.get(path);
    String digest = sha256(content);
    try {
      List<HasMetadata> objects =
          keep(path, ManifestParser.parse(new String(content, StandardCharsets.UTF_8)));
      LoadedFile loaded = LoadedFile.of(stamp, digest, objects);
      if (previous != null) {
        affected.addAll(previous.byRef().keySet());
      }
      affected.addAll(loaded.byRef().keySet());
      files.put(path, loaded);
      LOG.info("event=manifest_loaded file={} objects={}", path, objects.size());
      return Loaded.CHANGED;
    } catch (ManifestParser.ManifestException e) {
      if (!settled) {
        return Loaded.NOT_YET;
      }
      // Remember this content, so the same broken version is reported only once.
      List<HasMetadata> lastGood = previous == null ? List.of() : previous.objects();
      files.put(
          path,
          previous == null
              ? LoadedFile.of(stamp, digest, lastGood)
              : previous.withStampAndDigest(stamp, digest));
      LOG.warn(
          "event=manifest_invalid file={} reason=\"{}\" kept_objects={}",
          path,
          e.getMessage(),
          lastGood.size());
      return Loaded.KEPT;
    }
  }

  /** What a changed file's content, read once, tells about whether its writer has finished. */
  enum Completeness {
    /** Not written for longer than file times can be coarse: take it, parse error included. */
    SETTLED,
    /** Evidently one whole write: take it if it parses, else read it again after the pause. */
    WHOLE,
    /** Could be half-written: read it again after the pause. */
    UNKNOWN
  }

  /**
   * Whether {@code content} can be taken without the settle pause. A file is whole when it is
   * shorter than {@link #ONE_WRITE}, not empty and ends with a line break: writers flush whole
   * buffers of at least that size, so a shorter file was put there by one write, and a reader sees
   * all of an appending write or none of it (the file's size grows after the copy); the empty file
   * a truncating writer ({@code >}) shows before it writes has no line break. That is the common
   * case of a manifest renamed into place (the atomic pattern, a complete file) or written at once,
   * and it costs no pause; anything else pays it.
   *
   * @param settled the file's modification time is older than {@link #RACY_WINDOW}
   */
  static Completeness completeness(byte[] content, boolean settled) {
    if (settled) {
      return Completeness.SETTLED;
    }
    if (content.length > 0 && content.length < ONE_WRITE && content[content.length - 1] == '\n') {
      return Completeness.WHOLE;
    }
    return Completeness.UNKNOWN;
  }

  private static byte[] read(Path path) {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null; // deleted between listing and reading; the next scan drops it
    } catch (IOException e) {
      LOG.warn("event=manifest_unreadable file={} reason=\"{}\"", path, e.toString());
      return null;
    }
  }

  /**
   * A writer that truncates and then writes ({@code >} in a shell, most libraries) shows an empty
   * or partial file for a moment. Changed files that are not evidently whole ({@link
   * #completeness}), and whole ones that do not parse, are read again after this pause and only
   * taken when both reads agree, so a half-written file is neither loaded nor reported as broken.
   */
  private static void settle() {
    try {
      Thread.sleep(SETTLE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Map<Path, FileStamp> list() {
    Map<Path, FileStamp> found = new TreeMap<>();
    try (Stream<Path> entries = Files.list(directory)) {
      for (Path path : (Iterable<Path>) entries::iterator) {
        String name = path.getFileName().toString();
        if (name.startsWith(".")
            || !(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))) {
          continue;
        }
        try {
          if (Files.isRegularFile(path)) {
            found.put(path, new FileStamp(Files.getLastModifiedTime(path), Files.size(path)));
          }
        } catch (IOException e) {
          // Vanished between listing and stat: absent for this scan.
        }
      }
    } catch (IOException e) {
      LOG.warn(
          "event=manifest_directory_unreadable directory={} reason=\"{}\"",
          directory,
          e.toString());
      // Keep everything we have rather than dropping every object on a transient error.
      Map<Path, FileStamp> unchanged = new TreeMap<>();
      files.forEach((path, loaded) -> unchanged.put(path, loaded.stamp()));
      return unchanged;
    }
    return found;
  }

  private static List<HasMetadata> keep(Path path, List<HasMetadata> parsed) {
    List<HasMetadata> kept = new ArrayList<>();
    for (HasMetadata object : parsed) {
      if (ResourceKind.of(object).isEmpty()) {
        LOG.debug(
            "event=manifest_object_ignored file={} kind={} name={} reason=unknown_kind",
            path,
            object.getKind(),
            object.getMetadata().getName());
      } else {
        kept.add(object);
      }
    }
    return List.copyOf(kept);
  }

  /**
   * Publishes the state with the objects {@code affected} defined anew. The first state is built
   * from every file; later ones from the last state and the affected objects only, so a change of
   * one small file costs about its objects however many the directory holds.
   */
  private void publish(Set<ObjectRef> affected) {
    // Files in name order, objects in file order: on a duplicate the last one read wins.
    List<LoadedFile> ordered = List.copyOf(new TreeMap<>(files).values());
    if (!synced) {
      Map<ObjectRef, HasMetadata> objects = new LinkedHashMap<>();
      for (LoadedFile file : ordered) {
        for (HasMetadata object : file.objects()) {
          HasMetadata replaced = objects.put(ObjectRef.of(object), object);
          if (replaced != null) {
            LOG.warn("event=manifest_duplicate object=\"{}\"", ObjectRef.of(object));
          }
        }
      }
      state = InMemoryClusterState.of(objects.values());
    } else {
      List<HasMetadata> changed = new ArrayList<>();
      List<ObjectRef> removed = new ArrayList<>();
      for (ObjectRef ref : affected) {
        HasMetadata winner = null;
        int definitions = 0;
        for (LoadedFile file : ordered) {
          HasMetadata object = file.byRef().get(ref);
          if (object != null) {
            winner = object;
            definitions++;
          }
        }
        if (winner == null) {
          removed.add(ref);
        } else {
          changed.add(winner);
        }
        if (definitions > 1) {
          LOG.warn("event=manifest_duplicate object=\"{}\"", ref);
        }
      }
      state = state.with(changed, removed);
    }
    LOG.debug("event=manifest_state_published objects={}", state.counts());
    for (ClusterChangeListener listener : listeners) {
      try {
        listener.clusterChanged();
      } catch (RuntimeException e) {
        LOG.warn("event=listener_failed source=manifests error={}", e.toString());
      }
    }
  }

  private static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record FileStamp(FileTime modified, long size) {}

  /**
   * @param byRef the file's objects by name; within a file, too, the later one wins
   */
  private record LoadedFile(
      FileStamp stamp,
      String digest,
      List<HasMetadata> objects,
      Map<ObjectRef, HasMetadata> byRef) {
    static LoadedFile of(FileStamp stamp, String digest, List<HasMetadata> objects) {
      Map<ObjectRef, HasMetadata> byRef = new HashMap<>();
      for (HasMetadata object : objects) {
        byRef.put(ObjectRef.of(object), object);
      }
      return new LoadedFile(stamp, digest, objects, byRef);
    }

    LoadedFile withStamp(FileStamp newStamp) {
      return new LoadedFile(newStamp, digest, objects, byRef);
    }

    LoadedFile withStampAndDigest(FileStamp newStamp, String newDigest) {
      return new LoadedFile(newStamp, newDigest, objects, byRef);
    }
  }
}
