using System.Text;
using LensSweep.Grains.Storage;

namespace LensSweep.Grains.Tests.Storage;

/// <summary>What every <see cref="IArtifactStore"/> must do, run against each backend.</summary>
public abstract class ArtifactStoreContract : IDisposable
{
    protected abstract IArtifactStore Store { get; }

    public virtual void Dispose() => GC.SuppressFinalize(this);

    [Fact]
    public async Task A_put_value_reads_back()
    {
        await Store.PutAsync("studies/s1/trials/3/epoch-0002.ckpt", Bytes("two"));

        Assert.Equal("two", await ReadAsync("studies/s1/trials/3/epoch-0002.ckpt"));
        Assert.True(await Store.ExistsAsync("studies/s1/trials/3/epoch-0002.ckpt"));
    }

    [Fact]
    public async Task A_second_put_replaces_the_value()
    {
        await Store.PutAsync("a/b", Bytes("old"));
        await Store.PutAsync("a/b", Bytes("new"));

        Assert.Equal("new", await ReadAsync("a/b"));
    }

    [Fact]
    public async Task A_missing_key_reads_as_null()
    {
        Assert.Null(await Store.OpenReadAsync("nothing/here"));
        Assert.False(await Store.ExistsAsync("nothing/here"));
    }

    [Fact]
    public async Task Deleting_removes_the_key_and_deleting_again_is_no_error()
    {
        await Store.PutAsync("x/y", Bytes("1"));
        await Store.DeleteAsync("x/y");
        await Store.DeleteAsync("x/y");
        await Store.DeleteAsync("never/was");

        Assert.False(await Store.ExistsAsync("x/y"));
    }

    [Fact]
    public async Task Listing_returns_keys_under_the_prefix_in_ordinal_order()
    {
        foreach (var key in new[] { "s/t/2/b", "s/t/10/a", "s/t/1/a", "s/u/1", "other" })
        {
            await Store.PutAsync(key, Bytes(key));
        }

        var keys = new List<string>();
        await foreach (var key in Store.ListAsync("s/t/1"))
        {
            keys.Add(key);
        }

        Assert.Equal(["s/t/1/a", "s/t/10/a"], keys);
    }

    [Fact]
    public async Task Reading_from_an_offset_returns_the_bytes_after_it()
    {
        await Store.PutAsync("a/ckpt", Bytes("0123456789"));

        await using var stream = await Store.OpenReadFromAsync("a/ckpt", 4, null);
        Assert.NotNull(stream);
        Assert.Equal("456789", await new StreamReader(stream).ReadToEndAsync());
    }

    [Fact]
    public async Task Reading_a_range_returns_only_its_bytes()
    {
        await Store.PutAsync("a/ckpt", Bytes("0123456789"));

        await using var stream = await Store.OpenReadFromAsync("a/ckpt", 2, 3);
        Assert.NotNull(stream);
        Assert.Equal("234", await new StreamReader(stream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_range_that_runs_past_the_end_returns_the_bytes_up_to_it()
    {
        await Store.PutAsync("a/ckpt", Bytes("0123456789"));

        await using var stream = await Store.OpenReadFromAsync("a/ckpt", 7, 10);
        Assert.NotNull(stream);
        Assert.Equal("789", await new StreamReader(stream).ReadToEndAsync());
    }

    [Fact]
    public async Task Reading_from_the_end_or_past_it_returns_nothing()
    {
        await Store.PutAsync("a/ckpt", Bytes("0123"));

        await using var atEnd = await Store.OpenReadFromAsync("a/ckpt", 4, null);
        await using var past = await Store.OpenReadFromAsync("a/ckpt", 40, null);
        Assert.Equal("", await new StreamReader(atEnd!).ReadToEndAsync());
        Assert.Equal("", await new StreamReader(past!).ReadToEndAsync());
    }

    [Fact]
    public async Task Reading_a_missing_key_from_an_offset_returns_null()
    {
        Assert.Null(await Store.OpenReadFromAsync("nothing/here", 3, 2));
    }

    [Fact]
    public async Task Chunks_of_a_value_join_into_the_value_and_only_the_final_one_says_it_is_last()
    {
        var payload = new byte[10_000];
        new Random(5).NextBytes(payload);
        await Store.PutAsync("a/ckpt", new MemoryStream(payload));

        var chunks = new List<ArtifactChunk>();
        for (long offset = 0; chunks.Count == 0 || !chunks[^1].IsLast; offset += chunks[^1].Bytes.Length)
        {
            chunks.Add(await ArtifactChunk.ReadAsync(Store, "a/ckpt", offset, 4096) ?? throw new KeyNotFoundException());
        }

        Assert.Equal([4096, 4096, 1808], chunks.Select(c => c.Bytes.Length));
        Assert.Equal([false, false, true], chunks.Select(c => c.IsLast));
        Assert.Equal(payload, chunks.SelectMany(c => c.Bytes));
    }

    [Fact]
    public async Task A_chunk_ending_exactly_at_the_end_of_the_value_is_the_last()
    {
        await Store.PutAsync("a/ckpt", new MemoryStream(new byte[8]));

        var chunk = await ArtifactChunk.ReadAsync(Store, "a/ckpt", 0, 8);

        Assert.NotNull(chunk);
        Assert.True(chunk.IsLast);
        Assert.Equal(8, chunk.Bytes.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/leading")]
    [InlineData("trailing/")]
    [InlineData("double//slash")]
    [InlineData("up/../escape")]
    [InlineData(".hidden/file")]
    [InlineData("back\\slash")]
    public async Task A_malformed_key_is_refused_naming_the_key(string key)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, Bytes("x")));

        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    private static MemoryStream Bytes(string text) => new(Encoding.UTF8.GetBytes(text));

    private async Task<string> ReadAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key) ?? throw new KeyNotFoundException(key);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}

public sealed class InMemoryArtifactStoreTests : ArtifactStoreContract
{
    protected override IArtifactStore Store { get; } = new InMemoryArtifactStore();
}

public sealed class LocalFolderArtifactStoreTests : ArtifactStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "lenssweep-tests", Guid.NewGuid().ToString("N"));

    public LocalFolderArtifactStoreTests() => Store = new LocalFolderArtifactStore(_folder);

    protected override IArtifactStore Store { get; }

    [Fact]
    public async Task A_put_leaves_no_temporary_file_behind()
    {
        await Store.PutAsync("k/v", new MemoryStream([1, 2, 3]));

        Assert.Equal([Path.Combine(_folder, "k", "v")], Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories));
    }

    public override void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        base.Dispose();
    }
}
