namespace LensSweep.Silo.Tests.Support;

/// <summary>One PostgreSQL server for a test class; each test makes its own database on it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    internal PostgresServer Server => _server ?? throw new InvalidOperationException("the PostgreSQL fixture has not started");

    public async Task InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
