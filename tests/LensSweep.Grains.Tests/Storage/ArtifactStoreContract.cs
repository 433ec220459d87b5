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
