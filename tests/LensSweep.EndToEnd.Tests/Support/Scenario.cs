using LensSweep.Silo.Tests.Support;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LensSweep.EndToEnd.Tests.Support;

/// <summary>
/// One end-to-end run: a temporary folder, and every process started in it (redis-server or PostgreSQL, Azurite, silos,
/// console commands), each on free 127.0.0.1 ports with its output in a log file there. Disposing kills every process
/// still running and deletes the folder, whatever the test's outcome.
/// </summary>
internal sealed partial class Scenario : IAsyncDisposable
{
    public const string AzuriteAccount = AzuriteCommand.Account;

    /// <summary>How often a study re-checks its leases: short, so a dead silo's trials resume within seconds of its death being declared.</summary>
    private const string ReconcilePeriod = "00:00:05";

    private readonly List<ChildProcess> _processes = [];
    private readonly List<SiloProcess> _silos = [];
    private int _cliRuns;
    private PostgresServer? _postgres;

    /// <summary>What silos use for membership and reminders: whichever of Redis, PostgreSQL and Azure Table was chosen last.</summary>
    private (string Kind, string ConnectionString)? _membership;

    public Scenario()
    {
        Folder = Directory.CreateTempSubdirectory("lenssweep-e2e-").FullName;
    }

    public string Folder { get; }

    public string? RedisConnectionString { get; private set; }

    public string? PostgresConnectionString { get; private set; }

    public string? AzuriteConnectionString { get; private set; }

    public AzuritePorts? AzuritePorts { get; private set; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public static string Dotnet { get; } =
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";

    public static string SiloDll { get; } = Binary("lenssweep-silo.dll");

    public static string CliDll { get; } = Binary("lenssweep.dll");

    /// <summary>Starts redis-server with nothing persisted to disk (apt's redis-server; `bash scripts/setup.sh --tests`).</summary>
    public async Task StartRedisAsync()
    {
        var redis = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run `bash scripts/setup.sh --tests`");
        var port = FreePort.Next();
        var process = Track(ChildProcess.Start("redis", redis, ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Folder], Folder));
        if (!await FreePort.WaitUntilOpenAsync(port, TimeSpan.FromSeconds(30), () => !process.HasExited))
            throw new InvalidOperationException($"redis-server did not open port {port}\n{process.Tail()}");
        RedisConnectionString = $"127.0.0.1:{port}";
        _membership = ("redis", RedisConnectionString);
    }

    /// <summary>
    /// Starts a PostgreSQL server (Debian's postgresql; `bash scripts/setup.sh --tests`) with one database that has the
    /// Orleans tables, created by infra/postgres/apply-schema.sh.
    /// </summary>
    public async Task StartPostgresAsync()
    {
        _postgres = await PostgresServer.StartAsync();
        PostgresConnectionString = await _postgres.CreateOrleansDatabaseAsync();
        _membership = ("postgres", PostgresConnectionString);
    }

    /// <summary>
    /// Starts Azurite's blob and table services (installed into .tools/azurite by `bash scripts/setup.sh --tests`).
    /// Where it is not installed, a [SkippableFact] skips with the reason (a plain [Fact] fails with it).
    /// </summary>
    public async Task StartAzuriteAsync()
    {
        var notInstalled = AzuriteCommand.NotInstalled();
        Skip.If(notInstalled is not null, notInstalled);
        var ports = LensSweep.Silo.Tests.Support.AzuritePorts.Free();
        var data = Directory.CreateDirectory(Path.Combine(Folder, "azurite")).FullName;
        var process = Track(ChildProcess.Start("azurite", AzuriteCommand.Executable, AzuriteCommand.Arguments(ports, data), Folder));
        foreach (var port in new[] { ports.Blob, ports.Table })
        {
            if (!await FreePort.WaitUntilOpenAsync(port, TimeSpan.FromSeconds(30), () => !process.HasExited))
                throw new InvalidOperationException($"Azurite did not open port {port}\n{process.Tail()}");
        }
        AzuritePorts = ports;
        AzuriteConnectionString = AzuriteCommand.ConnectionString(ports);
    }

    /// <summary>Membership and reminders on Azurite's table service (start Azurite first).</summary>
    public void UseAzureTableMembership() =>
        _membership = ("azuretable", AzuriteConnectionString ?? throw new InvalidOperationException("start Azurite first"));

    /// <summary>
    /// Starts a silo of the Redis (or PostgreSQL) + Azure Blob cluster with one CPU device slot and waits until it is ready (/readyz).
    /// One torch thread per silo: two silos training at once on a small machine must not starve Orleans' failure detector.
    /// </summary>
    /// <param name="sameAddressAs">A silo (dead by now) whose ports the new one takes: a restart in place.</param>
    public async Task<SiloProcess> StartSiloAsync(string name, SiloProcess? sameAddressAs = null)
    {
        var (membership, membershipConnection) = _membership ?? throw new InvalidOperationException("start Redis or PostgreSQL first");
        var silo = StartSiloProcess(name,
            ["--membership", membership, "--grain-state", "azureblob", "--artifacts", "azureblob", "--slots", "cpu:0", "--Engine:ReconcilePeriod", ReconcilePeriod],
            new Dictionary<string, string>
            {
                ["LENSSWEEP_MEMBERSHIP__CONNECTIONSTRING"] = membershipConnection,
                ["LENSSWEEP_GRAINSTATE__CONNECTIONSTRING"] = AzuriteConnectionString ?? throw new InvalidOperationException("start Azurite first"),
                ["LENSSWEEP_ARTIFACTS__CONNECTIONSTRING"] = AzuriteConnectionString,
                ["OMP_NUM_THREADS"] = "1",
            },
            sameAddressAs?.Ports);
        if (!await silo.WaitUntilReadyAsync(TimeSpan.FromSeconds(90)))
            throw new InvalidOperationException($"silo {name} did not become ready\n{silo.Process.Tail()}");
        return silo;
    }

    /// <summary>Starts lenssweep-silo with the given flags and environment plus its own free ports; does not wait.</summary>
    public SiloProcess StartSiloProcess(string name, IEnumerable<string> flags, IReadOnlyDictionary<string, string> environment, SiloPorts? ports = null)
    {
        var (siloPort, gatewayPort, httpPort) = ports ?? new SiloPorts(FreePort.Next(), FreePort.Next(), FreePort.Next());
        string[] args =
        [
            SiloDll, "--silo-name", name, "--advertise", "127.0.0.1",
            "--silo-port", siloPort.ToString(), "--gateway-port", gatewayPort.ToString(), "--http-port", httpPort.ToString(),
            "--grace-period", "00:00:30", .. flags,
        ];
        var process = Track(ChildProcess.Start($"silo-{name}", Dotnet, args, Folder, environment));
        var silo = new SiloProcess(name, process, new SiloPorts(siloPort, gatewayPort, httpPort));
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Runs one `lenssweep` console command against <paramref name="gateway"/>'s gateway and returns what it printed.</summary>
    public async Task<CliResult> CliAsync(SiloProcess gateway, params string[] args)
    {
        var run = Interlocked.Increment(ref _cliRuns);
        using var process = ChildProcess.Start($"cli-{run:000}-{args.FirstOrDefault()}", Dotnet,
            [CliDll, .. args, "--cluster", gateway.GatewayAddress], Folder,
            new Dictionary<string, string> { ["NO_COLOR"] = "1", ["COLUMNS"] = "200" });
        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(90));
        var result = new CliResult(exited ? process.ExitCode : -1, process.StandardOutput, string.Join('\n', process.Lines), process.LogPath);
        return result;
    }

    /// <summary>Starts a `lenssweep` console command against <paramref name="gateway"/>'s gateway and leaves it running.</summary>
    public ChildProcess StartCli(SiloProcess gateway, params string[] args)
    {
        var run = Interlocked.Increment(ref _cliRuns);
        return Track(ChildProcess.Start($"cli-{run:000}-{args.FirstOrDefault()}", Dotnet,
            [CliDll, .. args, "--cluster", gateway.GatewayAddress], Folder,
            new Dictionary<string, string> { ["NO_COLOR"] = "1", ["COLUMNS"] = "200" }));
    }

    /// <summary>Starts the study in <paramref name="spec"/> through the console (which returns once the cluster accepted it).</summary>
    public async Task StartStudyAsync(SiloProcess gateway, string spec)
    {
        var started = await CliAsync(gateway, "study", "start", spec);
        if (started.ExitCode != 0)
            throw new InvalidOperationException($"lenssweep study start failed ({started.ExitCode}): {started.AllOutput}\n{Tails()}");
    }

    /// <summary>The study's state as `lenssweep study show` prints it (completed, running, …), or null when the console could not tell.</summary>
    public async Task<string?> StudyStateAsync(SiloProcess gateway, string studyId)
    {
        var show = await CliAsync(gateway, "study", "show", studyId);
        return show.ExitCode == 0 && StateLine().Match(show.Output) is { Success: true } m ? m.Groups["state"].Value : null;
    }

    /// <summary>Polls `lenssweep study show` until the study is completed; the assertion names the last state and the process tails.</summary>
    public async Task WaitForCompletedStudyAsync(Func<SiloProcess> gateway, string studyId, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        string? state = null;
        while (DateTime.UtcNow < deadline)
        {
            state = await StudyStateAsync(gateway(), studyId);
            if (state is "completed" or "failed" or "cancelled")
                break;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        Assert.True(state == "completed", $"study {studyId} is '{state ?? "unknown"}', not completed, after {within.TotalSeconds:0} s\n{Tails()}");
    }

    /// <summary>`lenssweep leaderboard {id} --format json`, parsed.</summary>
    public async Task<IReadOnlyList<LeaderboardRow>> LeaderboardAsync(SiloProcess gateway, string studyId)
    {
        var result = await CliAsync(gateway, "leaderboard", studyId, "--format", "json");
        Assert.True(result.ExitCode == 0, $"lenssweep leaderboard failed ({result.ExitCode}): {result.AllOutput}");
        using var json = JsonDocument.Parse(result.Output);
        return json.RootElement.GetProperty("rows").EnumerateArray()
            .Select(r => new LeaderboardRow(
                r.GetProperty("trial_id").GetString()!,
                r.GetProperty("state").GetString()!,
                r.GetProperty("rung").GetInt32(),
                r.GetProperty("epochs").GetInt32(),
                r.GetProperty("score").ValueKind == JsonValueKind.Null ? null : r.GetProperty("score").GetDouble()))
            .ToList();
    }

    /// <summary>The last lines of every process still of interest (redis, Azurite, silos), for assertion messages.</summary>
    public string Tails(int lines = 30)
    {
        var text = new StringBuilder();
        foreach (var process in _processes.Where(p => !p.Name.StartsWith("cli-", StringComparison.Ordinal)))
            text.AppendLine(process.Tail(lines));
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        // Silos first (they hold connections to Redis and Azurite), each killed outright: the test is over.
        foreach (var process in _processes.AsEnumerable().Reverse())
            process.Dispose();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        KeepLogs();
        for (var attempt = 0; attempt < 5 && Directory.Exists(Folder); attempt++)
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A killed process may release a file a moment later.
                await Task.Delay(200);
            }
        }
    }

    /// <summary>With LENSSWEEP_E2E_LOGS set to a folder (CI artifacts, debugging), every process's log is copied there before the scenario's folder goes.</summary>
    private void KeepLogs()
    {
        if (Environment.GetEnvironmentVariable("LENSSWEEP_E2E_LOGS") is not { Length: > 0 } keep)
            return;
        var target = Directory.CreateDirectory(Path.Combine(keep, Path.GetFileName(Folder))).FullName;
        foreach (var log in Directory.EnumerateFiles(Folder, "*.log"))
            File.Copy(log, Path.Combine(target, Path.GetFileName(log)), overwrite: true);
    }

    private ChildProcess Track(ChildProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static string Binary(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{name} is missing beside the tests ({AppContext.BaseDirectory}); the test project references src/Client to build it");
    }

    [GeneratedRegex(@"^state\s+(?<state>\w+)", RegexOptions.Multiline)]
    private static partial Regex StateLine();
}

/// <summary>The three ports a silo listens on.</summary>
internal sealed record SiloPorts(int Silo, int Gateway, int Http);

/// <summary>A lenssweep-silo process and where to reach it.</summary>
internal sealed class SiloProcess(string name, ChildProcess process, SiloPorts ports)
{
    public string Name { get; } = name;

    public ChildProcess Process { get; } = process;

    public SiloPorts Ports { get; } = ports;

    public string GatewayAddress { get; } = $"127.0.0.1:{ports.Gateway}";

    public int HttpPort { get; } = ports.Http;

    public async Task<bool> WaitUntilReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !Process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                    return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(250);
        }
        return false;
    }
}

/// <param name="Output">Standard output alone.</param>
/// <param name="AllOutput">Standard output and error as they arrived, for messages.</param>
internal sealed record CliResult(int ExitCode, string Output, string AllOutput, string LogPath);

internal sealed record LeaderboardRow(string TrialId, string State, int Rung, int Epochs, double? Score);
