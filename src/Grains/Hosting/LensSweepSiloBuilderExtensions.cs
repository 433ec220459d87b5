using LensSweep.Grains.Devices;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Training;
using LensSweep.Grains.Trials;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Grains.Hosting;

/// <summary>
/// One way to configure every silo (the standalone host, the console's embedded mode, tests, benchmarks):
/// <code>
/// silo.AddLensSweepEngine(o => o.DeviceSlots = ["cuda:0", "cuda:1"])
///     .AddLensSweepTrainer&lt;MaeTrialTrainer&gt;()
///     .AddLensSweepLocalFolderStorage("/var/lib/lenssweep")   // or AddLensSweepInMemoryStorage()
///     .UseInMemoryReminderService();                          // or a durable reminder table
/// </code>
/// </summary>
public static class LensSweepSiloBuilderExtensions
{
    /// <summary>
    /// The engine: device slots advertised in silo metadata (<see cref="DeviceSlotNames.MetadataKey"/>), the
    /// device worker, slot placement and its filter. The options are read once here for the slots (silo
    /// metadata is fixed for a silo's life) and registered with the options pattern for everything else.
    /// This calls <c>UseSiloMetadata</c>; put any other metadata in <paramref name="extraMetadata"/> rather
    /// than calling it again.
    /// </summary>
    public static ISiloBuilder AddLensSweepEngine(this ISiloBuilder builder, Action<EngineOptions>? configure = null, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var eager = new EngineOptions();
        configure?.Invoke(eager);
        eager.Validate();

        var metadata = new Dictionary<string, string>(extraMetadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (eager.DeviceSlots.Count > 0)
        {
            metadata[DeviceSlotNames.MetadataKey] = DeviceSlotNames.Format(eager.DeviceSlots);
        }

        builder.UseSiloMetadata(metadata);

        var services = builder.Services;
        services.AddOptions<EngineOptions>()
            .Configure(o => configure?.Invoke(o))
            .Validate(o =>
            {
                o.Validate();
                return true;
            });
        services.TryAddSingleton<DeviceWorkerPool>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeviceWorkerPool>());
        services.TryAddSingleton<EngineDrain>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<EngineDrain>());
        services.TryAddSingleton<SiloLossWatcher>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloLossWatcher>());
        services.AddPlacementDirector<DeviceSlotPlacement, DeviceSlotPlacementDirector>();
        services.AddPlacementFilter<RequireDeviceSlotsFilterStrategy, RequireDeviceSlotsFilterDirector>(ServiceLifetime.Singleton);
        builder.AddStronglyConsistentGrainDirectory();
        return builder;
    }

    /// <summary>
    /// Orleans' default grain directory keeps each registration on one silo chosen by the grain's hash, and when that
    /// silo leaves (killed or stopped) every other silo deactivates the activations whose registration it held: a
    /// training trial on a healthy silo lost its current epoch and was re-activated from its checkpoint, sometimes on
    /// another survivor that then moved it back (issue 10 §4). The strongly consistent directory hands a leaving silo's
    /// ranges to the survivors, which rebuild them from the activations they host, so those activations stay. It is
    /// marked experimental (ORLEANSEXP003) in Orleans 10.4.2. While silos of both kinds share a cluster (a rolling
    /// upgrade from a LensSweep without it), Orleans allows duplicate activations; restarting every silo avoids that.
    /// </summary>
    private static void AddStronglyConsistentGrainDirectory(this ISiloBuilder builder)
    {
#pragma warning disable ORLEANSEXP003
        builder.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
    }

    /// <summary>The trainer the silo's device worker calls (one instance shared by all slots).</summary>
    public static ISiloBuilder AddLensSweepTrainer<TTrainer>(this ISiloBuilder builder)
        where TTrainer : class, ITrialTrainer
    {
        builder.Services.AddSingleton<ITrialTrainer, TTrainer>();
        return builder;
    }

    /// <summary>The real trainer: TorchSharp MAE pretraining and linear probing, datasets loaded once per silo.</summary>
    public static ISiloBuilder AddLensSweepTorchTrainer(this ISiloBuilder builder)
    {
        builder.Services.TryAddSingleton<DatasetCache>();
        builder.Services.TryAddSingleton<Baselines.IBaselineScorer, TorchBaselineScorer>();
        return builder.AddLensSweepTrainer<TorchTrialTrainer>();
    }

    /// <inheritdoc cref="AddLensSweepTrainer{TTrainer}(ISiloBuilder)"/>
    public static ISiloBuilder AddLensSweepTrainer(this ISiloBuilder builder, ITrialTrainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        builder.Services.AddSingleton(trainer);
        return builder;
    }

    /// <summary>Grain state in memory and artifacts in one in-memory store (pass one instance to every
    /// silo of a process to share it): tests, benchmarks and throw-away runs.</summary>
    public static ISiloBuilder AddLensSweepInMemoryStorage(this ISiloBuilder builder, InMemoryArtifactStore? artifacts = null)
    {
        builder.AddMemoryGrainStorage(EngineStorage.GrainStorageName);

        // Orleans' default storage serializer is JSON, slow for a 10,000-trial rung table and blind to the
        // engine's surrogates; the binary serializer round-trips every engine record.
        builder.Services.AddOptions<MemoryGrainStorageOptions>(EngineStorage.GrainStorageName)
            .Configure<Serializer>((o, serializer) => o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer));
        builder.Services.AddSingleton<IArtifactStore>(artifacts ?? new InMemoryArtifactStore());
        return builder;
    }

    /// <summary>Grain state in <c>{folder}/state</c> and artifacts in <c>{folder}/artifacts</c>: the durable
    /// single-machine default.</summary>
    /// <param name="repairDamagedLog">Open a damaged state log by keeping what precedes the damage (see <see cref="LocalFolderGrainStorageOptions.RepairDamagedLog"/>).</param>
    public static ISiloBuilder AddLensSweepLocalFolderStorage(this ISiloBuilder builder, string folder, bool flushToDisk = true, bool repairDamagedLog = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        builder.AddLocalFolderGrainStorage(EngineStorage.GrainStorageName, o =>
        {
            o.Folder = Path.Combine(folder, EngineStorage.LocalStateFolder);
            o.FlushToDisk = flushToDisk;
            o.RepairDamagedLog = repairDamagedLog;
        });
        builder.AddLocalFolderArtifactStore(o =>
        {
            o.Folder = Path.Combine(folder, EngineStorage.LocalArtifactsFolder);
            o.FlushToDisk = flushToDisk;
        });
        return builder;
    }

    /// <summary>The artifact store: files under a folder (<see cref="LocalFolderArtifactStore"/>).</summary>
    public static ISiloBuilder AddLocalFolderArtifactStore(this ISiloBuilder builder, Action<LocalFolderArtifactStoreOptions> configure)
    {
        builder.Services.AddOptions<LocalFolderArtifactStoreOptions>().Configure(configure);
        builder.Services.AddSingleton<IArtifactStore, LocalFolderArtifactStore>();
        return builder;
    }

    /// <summary>A named grain storage provider keeping state in files under a folder (<see cref="LocalFolderGrainStorage"/>).</summary>
    public static ISiloBuilder AddLocalFolderGrainStorage(this ISiloBuilder builder, string name, Action<LocalFolderGrainStorageOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.AddOptions<LocalFolderGrainStorageOptions>(name).Configure(configure);
        builder.Services.AddGrainStorage(name, (sp, n) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<LocalFolderGrainStorageOptions>>().Get(n);
            var serializer = options.GrainStorageSerializer ?? new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>());
            return new LocalFolderGrainStorage(n, options, serializer, sp.GetRequiredService<ILoggerFactory>().CreateLogger<LocalFolderGrainStorage>());
        });
        return builder;
    }

    /// <inheritdoc cref="AddLocalFolderGrainStorage(ISiloBuilder, string, Action{LocalFolderGrainStorageOptions})"/>
    public static ISiloBuilder AddLocalFolderGrainStorage(this ISiloBuilder builder, string name, string folder) =>
        builder.AddLocalFolderGrainStorage(name, o => o.Folder = folder);
}
