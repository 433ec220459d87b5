using LensSweep.Grains.Devices;
using LensSweep.Grains.Hosting;
using System.Net;
using LensSweep.Grains.Storage;
using LensSweep.Grains.Sweeps;
using LensSweep.Grains.Trials;
using LensSweep.Silo.Devices;
using LensSweep.Silo.Health;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Shutdown;
using LensSweep.Silo.Storage;
using LensSweep.Silo.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace LensSweep.Silo.Tests.Hosting;

[Collection(AzuriteCollection.Name)]
public sealed class SiloHostTests(AzuriteFixture azurite)
{
    private sealed record Ports(int Silo, int Gateway, int Http);

    private static Ports NewPorts() => new(FreePort.Next(), FreePort.Next(), FreePort.Next());

    private static string[] Args(Ports ports, params string[] more) =>
    [
        "--silo-port", ports.Silo.ToString(), "--gateway-port", ports.Gateway.ToString(), "--http-port", ports.Http.ToString(),
        "--cluster-id", $"test-{Guid.NewGuid():N}", "--Logging:LogLevel:Default", "Warning", .. more,
    ];

    private string[] AzureStores() =>
    [
        "--grain-state", "azureblob", "--GrainState:ConnectionString", azurite.ConnectionString, "--GrainState:Container", AzuriteFixture.NewContainerName("silo-state"),
        "--artifacts", "azureblob", "--Artifacts:ConnectionString", azurite.ConnectionString, "--Artifacts:Container", AzuriteFixture.NewContainerName("silo-artifacts"),
    ];

    [SkippableFact]
    public async Task A_localhost_silo_advertises_its_slots_registers_azure_stores_and_serves_health()
    {
        var ports = NewPorts();
        await using var app = await SiloApp.CreateAsync(Args(ports, [.. AzureStores(), "--slots", "cpu:0,cpu:1"]));
        await app.StartAsync();
        using var http = new SiloHttp(ports.Http);
        Assert.True(await http.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));

        var local = app.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        var metadata = app.Services.GetRequiredService<ISiloMetadataCache>().GetSiloMetadata(local).Metadata;
        Assert.Equal("cpu:0,cpu:1", metadata[DeviceSlots.MetadataKey]);
        Assert.Equal(2, app.Services.GetRequiredService<DeviceSlots>().Count);
        Assert.IsType<AzureBlobArtifactStore>(app.Services.GetRequiredService<IArtifactStore>());
        Assert.IsType<AzureBlobGrainStorage>(app.Services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStorageName));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).Status);
        var metrics = PrometheusScrape.Parse((await http.GetAsync("/metrics")).Body);
        Assert.Equal(2.0, Assert.Single(metrics, s => s.Name == "lenssweep_slots_total").Value);
        Assert.Equal(0.0, Assert.Single(metrics, s => s.Name == "lenssweep_slots_busy").Value);

        await app.StopAsync();
        Assert.False(app.Services.GetRequiredService<SiloReadiness>().IsReady);
    }

    [SkippableFact]
    public async Task The_registered_grain_storage_round_trips_state_through_the_silo_serializer()
    {
        var ports = NewPorts();
        await using var app = await SiloApp.CreateAsync(Args(ports, [.. AzureStores(), "--slots", "none"]));
        await app.StartAsync();
        var storage = app.Services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStorageName);
        var grain = GrainId.Create("sweep", "study-7");
        var written = new TestGrainState<Dictionary<string, int>>(new() { ["rung"] = 2, ["trials"] = 9 });

        await storage.WriteStateAsync("sweep", grain, written);
        var read = new TestGrainState<Dictionary<string, int>>();
        await storage.ReadStateAsync("sweep", grain, read);

        Assert.Equal(written.State, read.State);
        Assert.Equal(written.ETag, read.ETag);
        await app.StopAsync();
    }

    [SkippableTheory]
    [InlineData("azureblob")]
    [InlineData("redis")]
    public async Task The_registered_grain_storage_reads_back_a_sweep_state_whose_trials_share_equal_records(string kind)
    {
        var ports = NewPorts();
        await using var redis = kind == "redis" ? await RedisServer.StartAsync() : null;
        string[] store = redis is null ? AzureStores() : ["--grain-state", "redis", "--GrainState:ConnectionString", redis.ConnectionString];
        await using var app = await SiloApp.CreateAsync(Args(ports, [.. store, "--slots", "none"]));
        await app.StartAsync();
        var storage = app.Services.GetRequiredKeyedService<IGrainStorage>(EngineStorage.GrainStorageName);
        var grain = GrainId.Create("sweep", "study-8");
        var written = new TestGrainState<SweepProgressState>(new()
        {
            Phase = SweepPhase.Running,
            Recent =
            {
                [0] = new TrialRecord { Cost = new TrialCost(0.5, 1e8), Scores = [0.7] },
                [1] = new TrialRecord { Cost = new TrialCost(0.5, 1e8), Scores = [0.7] },
            },
        });

        await storage.WriteStateAsync("progress", grain, written);
        var read = new TestGrainState<SweepProgressState>();
        await storage.ReadStateAsync("progress", grain, read);

        Assert.Equal([0, 1], read.State.Recent.Keys.Order());
        Assert.All(read.State.Recent.Values, t => Assert.Equal(new TrialCost(0.5, 1e8), t.Cost));
        await app.StopAsync();
    }

    [SkippableFact]
    public async Task A_reconcile_period_below_a_minute_reaches_the_engine_and_lowers_the_reminder_minimum()
    {
        await using var app = await SiloApp.CreateAsync(Args(NewPorts(), "--slots", "none", "--Engine:ReconcilePeriod", "00:00:05"));

        Assert.Equal(TimeSpan.FromSeconds(5), app.Services.GetRequiredService<IOptions<EngineOptions>>().Value.ReconcilePeriod);
        Assert.Equal(TimeSpan.FromSeconds(5), app.Services.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod);
    }

    [SkippableFact]
    public async Task The_pixel_baseline_settings_reach_the_engine()
    {
        await using var app = await SiloApp.CreateAsync(Args(NewPorts(), "--slots", "none", "--Engine:PixelBaseline:AskAttempts", "3", "--Engine:PixelBaseline:GiveUpAfter", "00:20:00"));

        var baseline = app.Services.GetRequiredService<IOptions<EngineOptions>>().Value.PixelBaseline;
        Assert.Equal(3, baseline.AskAttempts);
        Assert.Equal(TimeSpan.FromMinutes(20), baseline.GiveUpAfter);
    }

    [SkippableFact]
    public async Task The_default_reconcile_period_keeps_orleans_reminder_minimum()
    {
        await using var app = await SiloApp.CreateAsync(Args(NewPorts(), "--slots", "none"));

        Assert.Equal(TimeSpan.FromMinutes(1), app.Services.GetRequiredService<IOptions<EngineOptions>>().Value.ReconcilePeriod);
        Assert.Equal(TimeSpan.FromMinutes(1), app.Services.GetRequiredService<IOptions<ReminderOptions>>().Value.MinimumReminderPeriod);
    }

    [SkippableFact]
    public async Task Stopping_drains_the_engine_while_the_silo_is_still_active_and_no_longer_ready()
    {
        var ports = NewPorts();
        var drain = new RecordingDrain();
        await using var app = await SiloApp.CreateAsync(Args(ports, "--slots", "cpu:0"), silo => silo.Services.AddSingleton<ISiloDrain>(drain));
        drain.Services = app.Services;
        await app.StartAsync();
        using var http = new SiloHttp(ports.Http);
        Assert.True(await http.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));

        await app.StopAsync();

        Assert.True(drain.Drained);
        Assert.Equal(SiloStatus.Active, drain.SiloStatusDuringDrain);
        Assert.False(drain.ReadyDuringDrain);
    }

    [SkippableFact]
    public async Task The_engine_drain_is_one_of_the_silo_drains_and_stops_its_slots_taking_work()
    {
        await using var app = await SiloApp.CreateAsync(Args(NewPorts(), "--slots", "cpu:0"));
        await app.StartAsync();

        foreach (var drain in app.Services.GetServices<ISiloDrain>())
            await drain.DrainAsync(CancellationToken.None);

        Assert.True(app.Services.GetRequiredService<DeviceWorkerPool>().IsDraining);
        var local = app.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
        Assert.Equal(SiloStatus.Active, app.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(local));
        await app.StopAsync();
    }

    [SkippableFact]
    public async Task An_unreachable_redis_fails_at_start_with_one_line_naming_it()
    {
        var deadPort = FreePort.Next();

        var error = await Assert.ThrowsAsync<SiloStartupException>(() =>
            SiloApp.CreateAsync(Args(NewPorts(), "--membership", "redis", "--Membership:ConnectionString", $"127.0.0.1:{deadPort},password=hunter2")));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith($"Membership: Redis at 127.0.0.1:{deadPort} is unreachable", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", problem, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_unreachable_blob_endpoint_fails_at_start_with_one_line_naming_it()
    {
        var deadPort = FreePort.Next();
        var connection = azurite.ConnectionString.Replace($":{azurite.Ports.Blob}/", $":{deadPort}/", StringComparison.Ordinal);

        var error = await Assert.ThrowsAsync<SiloStartupException>(() =>
            SiloApp.CreateAsync(Args(NewPorts(), "--artifacts", "azureblob", "--Artifacts:ConnectionString", connection)));

        Assert.Equal($"Artifacts: Azure Blob at http://127.0.0.1:{deadPort}/devstoreaccount1/lenssweep-artifacts is unreachable", Assert.Single(error.Problems));
    }

    [SkippableFact]
    public async Task A_local_state_folder_another_process_holds_fails_at_start_with_one_line_naming_it()
    {
        var folder = Directory.CreateTempSubdirectory("lenssweep-held-").FullName;
        try
        {
            using var otherProcess = new FileStream(Path.Combine(folder, "grain-state.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

            var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(Args(NewPorts(), "--grain-state-path", folder)));

            var problem = Assert.Single(error.Problems);
            Assert.StartsWith($"GrainState: Grain state folder '{folder}' is in use by another process", problem, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [SkippableFact]
    public async Task A_damaged_local_state_log_fails_at_start_naming_it_and_starts_with_repair_state()
    {
        var folder = Directory.CreateTempSubdirectory("lenssweep-damaged-").FullName;
        try
        {
            await WriteDamagedLogAsync(folder);

            var error = await Assert.ThrowsAsync<SiloStartupException>(() => SiloApp.CreateAsync(Args(NewPorts(), "--grain-state-path", folder)));
            await using (await SiloApp.CreateAsync(Args(NewPorts(), "--grain-state-path", folder, "--repair-state", "true")))
            {
            }

            var problem = Assert.Single(error.Problems);
            Assert.StartsWith($"GrainState: The grain state log '{Path.Combine(folder, "grain-state.log")}' is damaged at byte 0", problem, StringComparison.Ordinal);
            Assert.Single(Directory.GetFiles(folder, "grain-state.log.damaged-*"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Two states in a local log, then one bit of the first record's payload flipped.</summary>
    private static async Task WriteDamagedLogAsync(string folder)
    {
        await using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>());
        using (var storage = new LocalFolderGrainStorage("test", new LocalFolderGrainStorageOptions { Folder = folder, FlushToDisk = false }, serializer))
        {
            var grain = GrainId.Create("trial", "study/1");
            await storage.WriteStateAsync("a", grain, new GrainState<List<int>>([1, 2, 3]));
            await storage.WriteStateAsync("b", grain, new GrainState<List<int>>([4, 5, 6]));
        }

        var log = Path.Combine(folder, "grain-state.log");
        var bytes = await File.ReadAllBytesAsync(log);
        bytes[30] ^= 0x01;
        await File.WriteAllBytesAsync(log, bytes);
    }

    private sealed class RecordingDrain : ISiloDrain
    {
        public IServiceProvider? Services { get; set; }

        public bool Drained { get; private set; }

        public bool ReadyDuringDrain { get; private set; }

        public SiloStatus SiloStatusDuringDrain { get; private set; }

        public Task DrainAsync(CancellationToken cancellationToken)
        {
            var services = Services!;
            ReadyDuringDrain = services.GetRequiredService<SiloReadiness>().IsReady;
            var local = services.GetRequiredService<ILocalSiloDetails>().SiloAddress;
            SiloStatusDuringDrain = services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.GetSiloStatus(local);
            Drained = true;
            return Task.CompletedTask;
        }
    }
}
