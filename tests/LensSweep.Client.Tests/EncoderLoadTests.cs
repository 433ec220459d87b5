using LensSweep.Client.Encoders;

namespace LensSweep.Client.Tests;

public sealed class EncoderLoadTests : IDisposable
{
    private readonly TrainedRunFolder _run = new(leaderboard: false);

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task A_seekable_checkpoint_is_loaded_where_it_is_without_a_copy_of_the_whole()
    {
        var checkpoint = await File.ReadAllBytesAsync(_run.CheckpointPath(trial: 0, epoch: 1));
        var stream = new FurthestReadStream(checkpoint);
        var located = new LocatedCheckpoint("a test checkpoint", _ => Task.FromResult<Stream>(stream));

        using var trained = await EncoderLocator.LoadAsync(located, CancellationToken.None);

        // The optimiser state after the weights is never read; a copy of the whole stream reads to its end.
        Assert.NotNull(trained.Model);
        Assert.InRange(stream.Furthest, 1, checkpoint.Length - 1);
    }

    /// <summary>Remembers how far into it anything read.</summary>
    private sealed class FurthestReadStream(byte[] bytes) : MemoryStream(bytes, writable: false)
    {
        public long Furthest { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Note(base.Read(buffer, offset, count));

        public override int Read(Span<byte> buffer) => Note(base.Read(buffer));

        public override int ReadByte()
        {
            var read = base.ReadByte();
            Note(0);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Note(await base.ReadAsync(buffer, cancellationToken));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Note(await base.ReadAsync(buffer, offset, count, cancellationToken));

        private int Note(int read)
        {
            Furthest = Math.Max(Furthest, Position);
            return read;
        }
    }
}
