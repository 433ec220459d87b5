using System.Net;
using LensSweep.Client.Engine;
using LensSweep.Grains.Hosting;
using LensSweep.Reporting.Studies;
using LensSweep.Reporting.Web;

namespace LensSweep.Client.Tests;

/// <summary>The study page draws a figure again only when its study's results change.</summary>
public sealed class FigureCacheTests
{
    [Fact]
    public void Unchanged_results_are_drawn_once()
    {
        var cache = new FigureCache();
        var draws = 0;

        var first = cache.Get(StudyFigures.Scaling, SampleStudy.Results(), () => $"svg {++draws}");
        var second = cache.Get(StudyFigures.Scaling, SampleStudy.Results(), () => $"svg {++draws}");

        Assert.Equal(1, draws);
        Assert.Same(first, second);
    }

    [Fact]
    public void Changed_results_are_drawn_again_with_a_new_stamp()
    {
        var cache = new FigureCache();
        var draws = 0;
        var before = SampleStudy.Results(StudyState.Running);
        var after = before with { Trials = [.. before.Trials.Skip(1)] };

        var first = cache.Get(StudyFigures.Scaling, before, () => $"svg {++draws}");
        var second = cache.Get(StudyFigures.Scaling, after, () => $"svg {++draws}");

        Assert.Equal(2, draws);
        Assert.NotEqual(first.Stamp, second.Stamp);
        Assert.Equal("svg 2", second.Svg);
    }

    [Fact]
    public void Each_figure_of_a_study_is_kept_apart()
    {
        var cache = new FigureCache();
        var results = SampleStudy.Results();

        cache.Get(StudyFigures.Scaling, results, () => "scaling");
        var trajectories = cache.Get(StudyFigures.Trajectories, results, () => "trajectories");

        Assert.Equal("trajectories", trajectories.Svg);
    }

    [Fact]
    public void A_stamp_is_made_of_scores_that_are_not_numbers_too()
    {
        var results = SampleStudy.Results();
        var odd = results with { Trials = [results.Trials[0] with { Rungs = [new RungScore(0, 1, double.NaN, 1, null)] }] };

        Assert.NotEqual(ResultsStamp.Of(results), ResultsStamp.Of(odd));
    }
}

/// <summary>How a figure request is answered: versioned figures are immutable, unversioned ones revalidated.</summary>
public sealed class FigureRequestTests
{
    private static Func<Task<StudyResults?>> Reads(StudyResults? results, Action? onRead = null) => () =>
    {
        onRead?.Invoke();
        return Task.FromResult(results);
    };

    [Fact]
    public async Task A_versioned_figure_the_cache_holds_is_answered_immutable_without_reading_the_study()
    {
        var cache = new FigureCache();
        var results = SampleStudy.Results();
        var stamp = cache.Get(StudyFigures.Scaling, results, () => "<svg/>").Stamp;
        var reads = 0;

        var answer = await FigureRequests.AnswerAsync("quick", StudyFigures.Scaling, stamp, null, cache, Reads(results, () => reads++));

        Assert.Equal(0, reads);
        Assert.Equal(new FigureAnswer(200, "<svg/>", FigureRequests.ETagOf(stamp), FigureRequests.Immutable), answer);
    }

    [Fact]
    public async Task A_versioned_figure_of_the_current_results_is_drawn_once_and_answered_immutable()
    {
        var results = SampleStudy.Results();

        var answer = await FigureRequests.AnswerAsync("quick", StudyFigures.Scaling, ResultsStamp.Of(results), null, new FigureCache(), Reads(results));

        Assert.Equal(200, answer.Status);
        Assert.Equal(FigureRequests.Immutable, answer.CacheControl);
        Assert.Contains("<svg", answer.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_the_results_moved_past_gets_the_current_figure_revalidated()
    {
        var results = SampleStudy.Results();

        var answer = await FigureRequests.AnswerAsync("quick", StudyFigures.Scaling, "stale", null, new FigureCache(), Reads(results));

        Assert.Equal(FigureRequests.Revalidate, answer.CacheControl);
        Assert.Equal(FigureRequests.ETagOf(ResultsStamp.Of(results)), answer.ETag);
    }

    [Fact]
    public async Task An_unversioned_figure_the_browser_holds_is_answered_304_before_it_is_drawn()
    {
        var results = SampleStudy.Results();
        var cache = new FigureCache();
        var etag = FigureRequests.ETagOf(ResultsStamp.Of(results));

        var answer = await FigureRequests.AnswerAsync("quick", StudyFigures.Scaling, null, $"\"other\", {etag}", cache, Reads(results));

        Assert.Equal(new FigureAnswer(304, null, etag, FigureRequests.Revalidate), answer);
        Assert.Null(cache.Find("quick", StudyFigures.Scaling, ResultsStamp.Of(results)));
    }

    [Fact]
    public async Task An_unknown_study_is_404()
    {
        var answer = await FigureRequests.AnswerAsync("nope", StudyFigures.Scaling, "abc", null, new FigureCache(), Reads(null));

        Assert.Equal(404, answer.Status);
    }
}

/// <summary>A finished study on a real silo, its page beside it: a browser holding a figure is told it is unchanged.</summary>
public sealed class StudyPageFigureHttpTests
{
    [Fact]
    public async Task A_figure_the_browser_already_holds_is_answered_304_with_its_etag()
    {
        await using var silo = await TestSilo.StartAsync();
        var services = new CliServices { Cluster = new OrleansClusterConnector() };
        var (started, _, startError) = await CliHarness.RunAsync(services, "study", "start", StudyCommandTests.QuickSpec, "--watch", "--cluster", silo.Gateway.ToString());
        Assert.True(started == ExitCodes.Success, startError);
        var endpoint = new IPEndPoint(IPAddress.Loopback, LoopbackPorts.Take(1)[0]);
        await using var page = await StudyPageServer.StartAsync(silo.Grains, endpoint, token: null, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri($"http://{endpoint}/") };

        using var first = await http.GetAsync("api/studies/quick/scaling.svg");
        var request = new HttpRequestMessage(HttpMethod.Get, "api/studies/quick/scaling.svg");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("<svg", await first.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
    }
}
