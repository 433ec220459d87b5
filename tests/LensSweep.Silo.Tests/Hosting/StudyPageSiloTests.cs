using System.Net;
using System.Net.Http.Headers;
using LensSweep.Silo.Hosting;
using LensSweep.Silo.Tests.Support;

namespace LensSweep.Silo.Tests.Hosting;

/// <summary>The study page on the silo's own HTTP endpoint (the one with /metrics), with local-folder stores.</summary>
public sealed class StudyPageSiloTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-silo-page-").FullName;
    private readonly int _http = FreePort.Next();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string[] Args(params string[] more) =>
    [
        "--silo-port", FreePort.Next().ToString(), "--gateway-port", FreePort.Next().ToString(), "--http-port", _http.ToString(),
        "--cluster-id", $"test-{Guid.NewGuid():N}", "--Logging:LogLevel:Default", "Warning", "--slots", "none",
        "--grain-state-path", Path.Combine(_folder, "state"), "--artifacts-path", Path.Combine(_folder, "artifacts"), .. more,
    ];

    [Fact]
    public async Task With_the_study_page_enabled_the_silo_serves_it_behind_its_token_and_metrics_stay_open()
    {
        await using var app = await SiloApp.CreateAsync(Args("--study-page", "true", "--StudyPage:Token", "silo-token"));
        await app.StartAsync();
        using var http = new SiloHttp(_http);
        Assert.True(await http.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_http}") };
        using var bearer = new HttpRequestMessage(HttpMethod.Get, "/api/studies") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", "silo-token") } };

        var refused = await http.GetAsync("/");
        var page = await http.GetAsync("/?token=silo-token");
        using var studies = await client.SendAsync(bearer);
        var metrics = await http.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<h1>LensSweep studies</h1>", page.Body);
        Assert.Equal("[]", await studies.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, metrics.Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task Without_the_option_the_silo_serves_no_study_page()
    {
        await using var app = await SiloApp.CreateAsync(Args());
        await app.StartAsync();
        using var http = new SiloHttp(_http);
        Assert.True(await http.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));

        var studies = await http.GetAsync("/api/studies");

        Assert.Equal(HttpStatusCode.NotFound, studies.Status);
        await app.StopAsync();
    }
}

public sealed class StudyPageExposureTests
{
    [Theory]
    [InlineData(true, null, "0.0.0.0", true)]
    [InlineData(true, "", "10.0.0.5", true)]
    [InlineData(true, "t", "0.0.0.0", false)]
    [InlineData(true, null, "127.0.0.1", false)]
    [InlineData(true, null, "::1", false)]
    [InlineData(false, null, "0.0.0.0", false)]
    public void A_study_page_without_a_token_off_loopback_is_open_to_other_machines(bool enabled, string? token, string bind, bool open)
    {
        var page = new StudyPageOptions { Enabled = enabled, Token = token };

        Assert.Equal(open, page.IsOpenToOtherMachines(new HttpEndpointOptions { BindAddress = bind }));
    }
}
