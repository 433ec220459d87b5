using System.Diagnostics;
using System.Text.RegularExpressions;
using LensSweep.Grains.Hosting;
using SkiaSharp;

namespace LensSweep.Client.Tests;

/// <summary>The study page in a real browser: Debian's chromium, headless, loading the page of a running embedded study.</summary>
[Collection(EmbeddedRuns.Name)]
public sealed partial class StudyPageBrowserTests : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly string _folder = Directory.CreateTempSubdirectory("lenssweep-browser-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public async Task Chromium_shows_a_trial_row_change_state_and_a_screenshot_that_is_not_blank()
    {
        Skip.IfNot(File.Exists(Chromium), $"no {Chromium}: install Debian's chromium (apt-get install chromium) to run the browser test");
        var turnstile = new RungTurnstile();
        var port = LoopbackPorts.Take(1)[0];
        var page = $"http://127.0.0.1:{port}/?token=browser";
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var run = CliHarness.RunAsync(ServeRunTests.HeldRun(turnstile), limit.Token,
            "run", StudyCommandTests.QuickSpec, "--out", Path.Combine(_folder, "run"), "--slots", "2", "--serve", $"{port}", "--serve-token", "browser");
        var screenshot = Path.Combine(_folder, "page.png");
        try
        {
            var running = await Eventually.ValueAsync(async () => RowStates(await ChromiumAsync(page, "--dump-dom", limit.Token))
                .Where(r => r.Value == "running").Select(r => r.Key).ToList() is { Count: > 0 } ids ? ids : null, limit.Token);

            // One rung at a time (a trial's first call may be its untrained baseline), so the study is still
            // running, and the page still served, when the browser sees the change.
            var changed = await Eventually.ValueAsync(async () =>
            {
                turnstile.LetOne();
                var states = RowStates(await ChromiumAsync(page, "--dump-dom", limit.Token));
                return running.FirstOrDefault(id => states.TryGetValue(id, out var state) && state != "running");
            }, limit.Token);

            await ChromiumAsync(page, $"--screenshot={screenshot}", limit.Token);
            Assert.NotNull(changed);
        }
        finally
        {
            turnstile.Open();
        }

        var (code, output, error) = await run;
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{output}\n{error}");
        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.NotNull(bitmap);
        Assert.True(DistinctColours(bitmap) > 1, "the screenshot is one flat colour");
    }

    /// <summary>Each leaderboard row's trial and state, as the browser's DOM has them.</summary>
    private static Dictionary<string, string> RowStates(string dom) =>
        LeaderboardRow().Matches(dom).ToDictionary(m => m.Groups["trial"].Value, m => m.Groups["state"].Value);

    [GeneratedRegex("<tr data-trial=\"(?<trial>[^\"]+)\" data-state=\"(?<state>[^\"]+)\">")]
    private static partial Regex LeaderboardRow();

    private static int DistinctColours(SKBitmap bitmap)
    {
        var colours = new HashSet<SKColor>();
        for (var y = 0; y < bitmap.Height; y += 4)
        {
            for (var x = 0; x < bitmap.Width; x += 4)
            {
                colours.Add(bitmap.GetPixel(x, y));
            }
        }

        return colours.Count;
    }

    /// <returns>What chromium printed (the DOM, for --dump-dom).</returns>
    private async Task<string> ChromiumAsync(string url, string action, CancellationToken cancellationToken)
    {
        var profile = Directory.CreateTempSubdirectory("lenssweep-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(Chromium)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                ArgumentList = { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile}", "--window-size=1280,1600", action, url },
            };
            using var chromium = Process.Start(start)!;
            var stdout = chromium.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = chromium.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await chromium.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                chromium.Kill(entireProcessTree: true);
                throw;
            }

            await stderr;
            return await stdout;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
