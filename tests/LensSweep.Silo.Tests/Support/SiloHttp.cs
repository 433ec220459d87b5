using System.Net;

namespace LensSweep.Silo.Tests.Support;

/// <summary>Talks to a silo's HTTP endpoint on 127.0.0.1.</summary>
internal sealed class SiloHttp(int port) : IDisposable
{
    private readonly HttpClient _client = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Polls /readyz until the silo says ready; false if it never does (a hang guard, not a speed check).</summary>
    public async Task<bool> WaitUntilReadyAsync(TimeSpan within, Func<bool>? stillWorthWaiting = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && (stillWorthWaiting?.Invoke() ?? true))
        {
            try
            {
                if ((await GetAsync("/readyz")).Status == HttpStatusCode.OK)
                    return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        return false;
    }

    public void Dispose() => _client.Dispose();
}
