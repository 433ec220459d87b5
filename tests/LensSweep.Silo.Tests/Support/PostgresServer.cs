using System.Diagnostics;
using Npgsql;

namespace LensSweep.Silo.Tests.Support;

/// <summary>
/// A throw-away PostgreSQL server (Debian's postgresql package; `bash scripts/setup.sh --tests`) on 127.0.0.1 and a
/// free port, its data and socket in a temporary folder, fsync off, trust authentication for user postgres.
/// Stopped and deleted on dispose.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    public const string User = "postgres";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    // PostgreSQL refuses to run as root; CI runs the tests as root, so the server then runs as the package's system user.
    private static readonly bool AsRoot = Environment.UserName == "root";

    private readonly string _folder;
    private readonly string _binaries;
    private int _databases;

    private PostgresServer(string folder, string binaries, int port)
    {
        _folder = folder;
        _binaries = binaries;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_folder, "data");

    private string LogFile => Path.Combine(_folder, "server.log");

    /// <summary>The LensSweep Orleans schema and the script that applies it.</summary>
    private static string SchemaFolder => Path.Combine(RepoRoot.Path, "infra", "postgres");

    public static async Task<PostgresServer> StartAsync()
    {
        var binaries = FindBinaries();
        var folder = Directory.CreateTempSubdirectory("lenssweep-pg-").FullName;
        var server = new PostgresServer(folder, binaries, FreePort.Next());
        try
        {
            var sockets = Directory.CreateDirectory(Path.Combine(folder, "sockets")).FullName;
            if (AsRoot)
                await RunAsync("chown", ["-R", $"{User}:", folder]);
            await server.RunAsServerUserAsync("initdb", ["-D", server.DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
            await server.RunAsServerUserAsync("pg_ctl",
                ["-D", server.DataDirectory, "-l", server.LogFile, "-w", "-t", "60", "-o", $"-h 127.0.0.1 -p {server.Port} -k {sockets} -F", "start"]);
            return server;
        }
        catch (InvalidOperationException e)
        {
            var log = File.Exists(server.LogFile) ? File.ReadAllText(server.LogFile) : "";
            await server.DisposeAsync();
            throw new InvalidOperationException($"{e.Message}\n{log}", e);
        }
    }

    /// <summary>The connection string a silo would be given for <paramref name="database"/>.</summary>
    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={Port};Database={database};Username={User}";

    /// <summary>Creates a new, empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"lenssweep_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        return ConnectionString(name);
    }

    /// <summary>Creates a new database and applies the Orleans schema to it.</summary>
    public async Task<string> CreateOrleansDatabaseAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        await ApplySchemaAsync(connectionString);
        return connectionString;
    }

    /// <summary>Runs infra/postgres/apply-schema.sh against the database, as an operator would.</summary>
    public Task ApplySchemaAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        return RunAsync("bash", [Path.Combine(SchemaFolder, "apply-schema.sh"), "-h", "127.0.0.1", "-p", Port.ToString(), "-U", User, "-d", database]);
    }

    /// <summary>Every row of a one-column query, as strings.</summary>
    public static async Task<IReadOnlyList<string>> QueryAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
            rows.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunAsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "30", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped; the folder goes all the same.
            }
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file the server released late: a temporary folder left behind is harmless.
        }
    }

    /// <summary>The newest PostgreSQL server installed the Debian way (/usr/lib/postgresql/N/bin), or a clear error.</summary>
    private static string FindBinaries()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).ToList()
            : [];
        return versions.Count > 0
            ? Path.Combine(versions[0], "bin")
            : throw new InvalidOperationException("the PostgreSQL server is not installed (no /usr/lib/postgresql/*/bin/initdb): run `bash scripts/setup.sh --tests`");
    }

    private Task RunAsServerUserAsync(string tool, IReadOnlyList<string> arguments)
    {
        var path = Path.Combine(_binaries, tool);
        return AsRoot ? RunAsync("runuser", ["-u", User, "--", path, .. arguments]) : RunAsync(path, arguments);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalSeconds:0} s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}\n{await stdout}{await stderr}");
    }
}
