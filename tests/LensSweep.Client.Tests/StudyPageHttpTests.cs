using System.Net;
using System.Net.Http.Headers;
using LensSweep.Grains.Hosting;
using LensSweep.Reporting.Web;
using Microsoft.AspNetCore.Builder;

namespace LensSweep.Client.Tests;

/// <summary>A real silo with no studies and the study page beside it, asking for a token.</summary>
public sealed class StudyPageServerFixture : IAsyncLifetime
{
    public const string Token = "s3cret-token";

    private TestSilo? _silo;
    private WebApplication? _page;

    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        _silo = await TestSilo.StartAsync();
        var endpoint = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Take(1)[0]);
        _page = await StudyPageServer.StartAsync(_silo.Grains, endpoint, Token, CancellationToken.None);
        Http.BaseAddress = new Uri($"http://{endpoint}/");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_page is not null)
        {
            await _page.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }
    }
}

public sealed class StudyPageHttpTests(StudyPageServerFixture server) : IClassFixture<StudyPageServerFixture>
{
    private Task<HttpResponseMessage> GetAsync(string path, string? bearer = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return server.Http.SendAsync(request);
    }

    [Theory]
    [InlineData("")]
    [InlineData("api/studies")]
    [InlineData("api/studies/quick")]
    public async Task Without_the_token_every_page_route_is_401(string path)
    {
        using var response = await GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_wrong_bearer_token_is_401()
    {
        using var response = await GetAsync("api/studies", bearer: "not-it");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_bearer_token_opens_the_json()
    {
        using var response = await GetAsync("api/studies", bearer: StudyPageServerFixture.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_token_in_the_query_opens_the_page()
    {
        using var response = await GetAsync($"?token={StudyPageServerFixture.Token}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("No studies yet.", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_post_is_405()
    {
        using var response = await server.Http.PostAsync($"api/studies?token={StudyPageServerFixture.Token}", new StringContent(""));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Theory]
    [InlineData("api/studies/nope")]
    [InlineData("api/studies/nope/scaling.svg")]
    public async Task An_unknown_study_is_404(string path)
    {
        using var response = await GetAsync(path, bearer: StudyPageServerFixture.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no study 'nope'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unknown_figure_is_404()
    {
        using var response = await GetAsync("api/studies/nope/other.svg", bearer: StudyPageServerFixture.Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
