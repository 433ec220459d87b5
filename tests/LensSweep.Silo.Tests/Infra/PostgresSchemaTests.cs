using System.Data.Common;
using System.Net;
using LensSweep.Silo.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace LensSweep.Silo.Tests.Infra;

/// <summary>
/// The concurrency rules of infra/postgres/lenssweep-orleans-schema.sql, through the Orleans 10.4.2 ADO.NET providers
/// themselves (no silo): each test gets its own database set up by apply-schema.sh.
/// </summary>
public sealed class PostgresSchemaTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private const string Invariant = LensSweep.Silo.Hosting.SiloBuilderExtensions.PostgresInvariant;

    private static readonly DateTime Now = new(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Inserting_a_silo_already_in_the_table_fails_and_leaves_the_version_as_it_was()
    {
        var (table, _) = await OpenMembershipAsync();
        await InsertAsync(table, Silo(11001));
        var before = await table.ReadAllAsync();

        var inserted = await table.InsertRowAsync(Silo(11001, name: "impostor"), before.Version.Next());
        var after = await table.ReadAllAsync();

        Assert.False(inserted);
        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal("silo-11001", Assert.Single(after.Members).Item1.SiloName);
    }

    [Fact]
    public async Task Inserting_on_a_stale_table_version_is_refused()
    {
        var (table, _) = await OpenMembershipAsync();
        var stale = await table.ReadAllAsync();
        await InsertAsync(table, Silo(11001));  // another silo wrote after `stale` was read

        var inserted = await table.InsertRowAsync(Silo(11002), stale.Version.Next());
        var after = await table.ReadAllAsync();

        Assert.False(inserted);
        Assert.Equal([11001], after.Members.Select(m => m.Item1.SiloAddress.Endpoint.Port));
    }

    [Fact]
    public async Task An_insert_that_waited_for_a_concurrent_writer_is_refused_once_that_writer_commits()
    {
        var (table, options) = await OpenMembershipAsync();
        var read = await table.ReadAllAsync();
        await using var rival = new NpgsqlConnection(options.ConnectionString);
        await rival.OpenAsync();
        await using var transaction = await rival.BeginTransactionAsync();
        await using (var bump = new NpgsqlCommand("UPDATE orleans_cluster_version SET version = version + 1 WHERE cluster_id = @cluster", rival, transaction))
        {
            bump.Parameters.AddWithValue("cluster", options.ClusterId);
            await bump.ExecuteNonQueryAsync();
        }

        var pending = table.InsertRowAsync(Silo(11001), read.Version.Next());
        await WaitUntilABackendWaitsOnALockAsync(options.ConnectionString);
        await transaction.CommitAsync();
        var inserted = await pending;
        var after = await table.ReadAllAsync();

        Assert.False(inserted);
        Assert.Empty(after.Members);
    }

    [Fact]
    public async Task Updating_on_a_stale_table_version_is_refused_and_keeps_the_newer_row()
    {
        var (table, _) = await OpenMembershipAsync();
        await InsertAsync(table, Silo(11001));
        var stale = await table.ReadAllAsync();
        var (row, etag) = stale.Members.Single();
        Assert.True(await table.UpdateRowAsync(With(row, SiloStatus.Active), etag, stale.Version.Next()));

        var updated = await table.UpdateRowAsync(With(row, SiloStatus.Dead), etag, stale.Version.Next());
        var after = await table.ReadAllAsync();

        Assert.False(updated);
        Assert.Equal(SiloStatus.Active, after.Members.Single().Item1.Status);
    }

    [Fact]
    public async Task Updating_on_the_current_version_stores_status_and_suspicions_and_moves_the_version_on()
    {
        var (table, _) = await OpenMembershipAsync();
        await InsertAsync(table, Silo(11001));
        var read = await table.ReadAllAsync();
        var (row, etag) = read.Members.Single();
        var suspecter = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11009), 3);
        var change = With(row, SiloStatus.Active);
        change.SuspectTimes = [Tuple.Create(suspecter, Now.AddSeconds(-5))];

        var updated = await table.UpdateRowAsync(change, etag, read.Version.Next());
        var after = await table.ReadAllAsync();

        Assert.True(updated);
        Assert.Equal(read.Version.Version + 1, after.Version.Version);
        var stored = after.Members.Single().Item1;
        Assert.Equal(SiloStatus.Active, stored.Status);
        Assert.Equal([(suspecter, Now.AddSeconds(-5))], Assert.IsType<List<Tuple<SiloAddress, DateTime>>>(stored.SuspectTimes).Select(s => (s.Item1, s.Item2)));
    }

    [Fact]
    public async Task A_heartbeat_changes_the_liveness_time_but_not_the_table_version()
    {
        var (table, _) = await OpenMembershipAsync();
        await InsertAsync(table, Silo(11001));
        var before = await table.ReadAllAsync();
        var heartbeat = With(before.Members.Single().Item1, SiloStatus.Joining);
        heartbeat.IAmAliveTime = Now.AddMinutes(3);

        await table.UpdateIAmAliveAsync(heartbeat);
        var after = await table.ReadAllAsync();

        Assert.Equal(before.Version.Version, after.Version.Version);
        Assert.Equal(Now.AddMinutes(3), after.Members.Single().Item1.IAmAliveTime);
    }

    [Fact]
    public async Task Cleanup_removes_only_dead_silos_not_heard_from_since_the_cutoff()
    {
        var (table, _) = await OpenMembershipAsync();
        await InsertAsync(table, Silo(11001, SiloStatus.Dead, aliveAt: Now.AddHours(-2)));
        await InsertAsync(table, Silo(11002, SiloStatus.Dead, aliveAt: Now));
        await InsertAsync(table, Silo(11003, SiloStatus.Active, aliveAt: Now.AddHours(-2)));

        await table.CleanupDefunctSiloEntriesAsync(Now.AddHours(-1));
        var after = await table.ReadAllAsync();

        Assert.Equal([11002, 11003], after.Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order());
    }

    [Fact]
    public async Task Gateways_are_the_active_silos_that_have_a_gateway_port()
    {
        var (table, options) = await OpenMembershipAsync();
        await InsertAsync(table, Silo(11001, SiloStatus.Active, proxyPort: 31001));
        await InsertAsync(table, Silo(11002, SiloStatus.Active, proxyPort: 0));
        await InsertAsync(table, Silo(11003, SiloStatus.Dead, proxyPort: 31003));
        var gateways = new AdoNetGatewayListProvider(NullLogger<AdoNetGatewayListProvider>.Instance, new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = options.Invariant, ConnectionString = options.ConnectionString }),
            Options.Create(new GatewayOptions()), Options.Create(new ClusterOptions { ClusterId = options.ClusterId }));
        await gateways.InitializeGatewayListProvider();

        var found = await gateways.GetGateways();

        Assert.Equal([SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 31001), 1).ToGatewayUri()], found);
    }

    [Fact]
    public async Task Upserting_a_reminder_again_gives_a_new_etag_and_removing_with_the_old_etag_fails()
    {
        var reminders = await OpenRemindersAsync();
        var grain = GrainId.Create("sweep", "etag");
        var first = Assert.IsType<string>(await reminders.UpsertRow(Reminder(grain, TimeSpan.FromSeconds(5))));
        var second = await reminders.UpsertRow(Reminder(grain, TimeSpan.FromSeconds(9)));

        var removedWithOld = await reminders.RemoveRow(grain, "reconcile", first);
        var kept = await reminders.ReadRow(grain, "reconcile");

        Assert.NotEqual(first, second);
        Assert.False(removedWithOld);
        Assert.NotNull(kept);
        Assert.Equal((TimeSpan.FromSeconds(9), second), (kept.Period, kept.ETag));
    }

    [Fact]
    public async Task A_reminder_removed_and_added_again_does_not_get_back_its_old_etag()
    {
        var reminders = await OpenRemindersAsync();
        var grain = GrainId.Create("sweep", "again");
        var old = Assert.IsType<string>(await reminders.UpsertRow(Reminder(grain, TimeSpan.FromSeconds(5))));
        Assert.True(await reminders.RemoveRow(grain, "reconcile", old));

        var renewed = await reminders.UpsertRow(Reminder(grain, TimeSpan.FromSeconds(5)));
        var removedWithOld = await reminders.RemoveRow(grain, "reconcile", old);

        Assert.NotEqual(old, renewed);
        Assert.False(removedWithOld);
    }

    [Fact]
    public async Task Range_reads_return_exactly_the_reminders_whose_hash_lies_in_the_ring_range()
    {
        var reminders = await OpenRemindersAsync();
        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("sweep", $"ring-{i}")).ToList();
        foreach (var grain in grains)
            await reminders.UpsertRow(Reminder(grain, TimeSpan.FromMinutes(1)));
        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        // (begin, end] ranges: plain, crossing 2^31 (where the signed order the provider uses wraps), wrapping past
        // the top of the ring, bounds on a grain's own hash, and the whole ring (begin == end).
        (uint Begin, uint End)[] ranges =
        [
            (0, 0x4000_0000), (0x7000_0000, 0x9000_0000), (0xC000_0000, 0x2000_0000), (0x9000_0000, 0x8000_0000),
            (hashes[3], hashes[17]), (hashes[30], hashes[5]), (hashes[10], hashes[10]), (0, uint.MaxValue),
        ];

        var found = new Dictionary<(uint, uint), string[]>();
        var expected = new Dictionary<(uint, uint), string[]>();
        foreach (var (begin, end) in ranges)
        {
            found[(begin, end)] = (await reminders.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order().ToArray();
            expected[(begin, end)] = grains.Where(g => InRing(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order().ToArray();
        }

        Assert.Equal(expected, found);
        Assert.All(ranges.Take(4), range => Assert.NotEmpty(expected[range]));  // the fixed ranges are not vacuous
    }

    /// <summary>Orleans' ring range (begin, end], wrapping when begin is not below end.</summary>
    private static bool InRing(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private async Task<(IMembershipTable Table, (string Invariant, string ConnectionString, string ClusterId) Options)> OpenMembershipAsync()
    {
        var database = await postgres.Server.CreateOrleansDatabaseAsync();
        DbProviderFactories.RegisterFactory(Invariant, NpgsqlFactory.Instance);
        var clusterId = $"test-{Guid.NewGuid():N}";
        var table = new AdoNetClusteringTable(new ServiceCollection().BuildServiceProvider(), Options.Create(new ClusterOptions { ClusterId = clusterId }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = Invariant, ConnectionString = database }),
            NullLogger<AdoNetClusteringTable>.Instance);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true);
        return (table, (Invariant, database, clusterId));
    }

    private async Task<IReminderTable> OpenRemindersAsync()
    {
        var database = await postgres.Server.CreateOrleansDatabaseAsync();
        DbProviderFactories.RegisterFactory(Invariant, NpgsqlFactory.Instance);
        var services = new ServiceCollection();
        services.Configure<ClusterOptions>(o => o.ServiceId = $"test-{Guid.NewGuid():N}");
        services.UseAdoNetReminderService(b => b.Configure(o => { o.Invariant = Invariant; o.ConnectionString = database; }));
        var table = services.BuildServiceProvider().GetRequiredService<IReminderTable>();
        await table.StartAsync(CancellationToken.None);
        return table;
    }

    /// <summary>Until the provider's write is parked behind the rival's row lock, so the commit comes while it waits.</summary>
    private static async Task WaitUntilABackendWaitsOnALockAsync(string connectionString)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(await PostgresServer.QueryAsync(connectionString,
                   "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).SequenceEqual(["1"]))
        {
            Assert.True(DateTime.UtcNow < deadline, "the provider's insert never waited on the version row lock");
            await Task.Delay(20);
        }
    }

    /// <summary>Inserts on the version just read, as a silo joining an idle cluster does.</summary>
    private static async Task InsertAsync(IMembershipTable table, MembershipEntry entry)
    {
        var current = await table.ReadAllAsync();
        Assert.True(await table.InsertRowAsync(entry, current.Version.Next()), $"could not insert {entry.SiloAddress}");
    }

    private static MembershipEntry Silo(int port, SiloStatus status = SiloStatus.Joining, int proxyPort = 0, DateTime? aliveAt = null, string? name = null) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 1),
        SiloName = name ?? $"silo-{port}",
        HostName = "127.0.0.1",
        Status = status,
        ProxyPort = proxyPort,
        StartTime = Now.AddHours(-3),
        IAmAliveTime = aliveAt ?? Now,
    };

    private static MembershipEntry With(MembershipEntry row, SiloStatus status) => new()
    {
        SiloAddress = row.SiloAddress,
        SiloName = row.SiloName,
        HostName = row.HostName,
        Status = status,
        ProxyPort = row.ProxyPort,
        StartTime = row.StartTime,
        IAmAliveTime = row.IAmAliveTime,
        SuspectTimes = row.SuspectTimes,
    };

    private static ReminderEntry Reminder(GrainId grain, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = "reconcile", StartAt = Now, Period = period };
}
