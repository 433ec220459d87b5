using System.Text;
using LensSweep.Silo.Storage;
using LensSweep.Silo.Tests.Support;

namespace LensSweep.Silo.Tests.Storage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobArtifactStoreTests(AzuriteFixture azurite)
{
    private AzureBlobArtifactStore NewStore() =>
        new(AzureBlobConnection.OpenContainer(azurite.ConnectionString, AzuriteFixture.NewContainerName("artifacts")));

    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    private static async Task<string?> ReadTextAsync(AzureBlobArtifactStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        if (stream is null)
            return null;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    [SkippableFact]
    public async Task Put_then_open_returns_the_same_bytes()
    {
        var store = NewStore();
        var payload = new byte[300_000];
        new Random(7).NextBytes(payload);

        await store.PutAsync("studies/s1/trials/3/ckpt-e4", new MemoryStream(payload));

        await using var stream = await store.OpenReadAsync("studies/s1/trials/3/ckpt-e4");
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(payload, copy.ToArray());
    }

    [SkippableFact]
    public async Task Reading_from_an_offset_fetches_the_bytes_after_it()
    {
        var store = NewStore();
        var payload = new byte[300_000];
        new Random(8).NextBytes(payload);
        await store.PutAsync("studies/s1/trials/3/epoch-0004-attempt-1.ckpt", new MemoryStream(payload));

        await using var stream = await store.OpenReadFromAsync("studies/s1/trials/3/epoch-0004-attempt-1.ckpt", 100_000, null);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(payload[100_000..], copy.ToArray());
    }

    [SkippableFact]
    public async Task Reading_a_range_downloads_only_its_bytes()
    {
        var store = NewStore();
        var payload = new byte[300_000];
        new Random(9).NextBytes(payload);
        await store.PutAsync("studies/s1/trials/3/epoch-0005-attempt-1.ckpt", new MemoryStream(payload));

        await using var stream = await store.OpenReadFromAsync("studies/s1/trials/3/epoch-0005-attempt-1.ckpt", 100_000, 1_000);
        Assert.NotNull(stream);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(payload[100_000..101_000], copy.ToArray());
    }

    [SkippableFact]
    public async Task A_range_that_runs_past_the_end_downloads_the_bytes_up_to_it()
    {
        var store = NewStore();
        await store.PutAsync("studies/s1/y.ckpt", Text("abcdef"));

        await using var stream = await store.OpenReadFromAsync("studies/s1/y.ckpt", 4, 100);
        Assert.NotNull(stream);
        Assert.Equal("ef", await new StreamReader(stream).ReadToEndAsync());
    }

    [SkippableFact]
    public async Task Reading_from_past_the_end_returns_nothing_and_a_missing_key_null()
    {
        var store = NewStore();
        await store.PutAsync("studies/s1/x.ckpt", Text("abc"));

        await using var past = await store.OpenReadFromAsync("studies/s1/x.ckpt", 3, 5);
        Assert.NotNull(past);
        Assert.Equal(-1, past.ReadByte());
        Assert.Null(await store.OpenReadFromAsync("studies/s1/none.ckpt", 3, 5));
    }

    [SkippableFact]
    public async Task Put_over_an_existing_key_replaces_the_value()
    {
        var store = NewStore();
        await store.PutAsync("studies/s1/result.json", Text("old"));
        await store.PutAsync("studies/s1/result.json", Text("new"));

        Assert.Equal("new", await ReadTextAsync(store, "studies/s1/result.json"));
    }

    [SkippableFact]
    public async Task Open_of_a_missing_key_returns_null_even_before_anything_was_stored()
    {
        var store = NewStore();

        Assert.Null(await store.OpenReadAsync("studies/none/ckpt"));
        Assert.False(await store.ExistsAsync("studies/none/ckpt"));
        await store.PutAsync("studies/other", Text("x"));
        Assert.Null(await store.OpenReadAsync("studies/none/ckpt"));
    }

    [SkippableFact]
    public async Task List_returns_only_keys_under_the_prefix_in_ordinal_order()
    {
        var store = NewStore();
        foreach (var key in new[] { "studies/s1/trials/2/ckpt", "studies/s1/trials/10/ckpt", "studies/s10/x", "studies/s1/leaderboard", "plots/a.png" })
            await store.PutAsync(key, Text(key));

        var listed = await store.ListAsync("studies/s1/").ToListAsync();

        string[] expected = ["studies/s1/leaderboard", "studies/s1/trials/10/ckpt", "studies/s1/trials/2/ckpt"];
        Assert.Equal(expected, listed);
        Assert.Equal(5, (await store.ListAsync("").ToListAsync()).Count);
    }

    [SkippableFact]
    public async Task Delete_removes_the_key_and_deleting_a_missing_key_is_not_an_error()
    {
        var store = NewStore();
        await store.PutAsync("studies/s1/ckpt", Text("x"));

        await store.DeleteAsync("studies/s1/ckpt");
        await store.DeleteAsync("studies/s1/ckpt");

        Assert.False(await store.ExistsAsync("studies/s1/ckpt"));
        Assert.Null(await store.OpenReadAsync("studies/s1/ckpt"));
    }

    [SkippableTheory]
    [InlineData("")]
    [InlineData("/studies/s1")]
    [InlineData("studies/s1/")]
    [InlineData("studies//s1")]
    [InlineData("studies/../s1")]
    [InlineData("studies\\s1")]
    public async Task A_malformed_key_is_rejected_with_the_key_in_the_message(string key)
    {
        var store = NewStore();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync(key, Text("x")));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }
}
