using System.Diagnostics;

namespace LensSweep.Silo.Tests.Support;

/// <summary>A real redis-server on 127.0.0.1 and a free port, persisting nothing; killed on dispose. Installed by `bash scripts/setup.sh --tests`.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        ConnectionString = $"127.0.0.1:{port}";
    }

    public string ConnectionString { get; }

    public static async Task<RedisServer> StartAsync()
    {
        var path = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("redis-server is not installed: run `bash scripts/setup.sh --tests`");
        var port = FreePort.Next();
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {path}");
        var server = new RedisServer(process, port);
        if (!await FreePort.WaitUntilOpenAsync(port, TimeSpan.FromSeconds(30), () => !process.HasExited))
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"redis-server did not open port {port}");
        }
        return server;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
