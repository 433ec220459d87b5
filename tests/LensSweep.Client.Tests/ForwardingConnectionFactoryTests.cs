using System.Net;
using System.Net.Sockets;
using LensSweep.Client.Cluster;
using Microsoft.AspNetCore.Connections;

namespace LensSweep.Client.Tests;

public sealed class ForwardingConnectionFactoryTests
{
    private static readonly IPEndPoint Advertised = IPEndPoint.Parse("10.244.1.7:30000");
    private static readonly IPEndPoint LoopbackV6 = IPEndPoint.Parse("[::1]:30000");
    private static readonly IPEndPoint LoopbackV4 = IPEndPoint.Parse("127.0.0.1:30000");

    [Fact]
    public void Each_advertised_gateway_is_mapped_to_the_forward_at_its_place()
    {
        var second = IPEndPoint.Parse("10.244.2.9:30000");

        var forwards = GatewayForwarding.Forwards([Advertised, second], [[LoopbackV6, LoopbackV4], [IPEndPoint.Parse("127.0.0.1:30001")]]);

        Assert.Equal([LoopbackV6, LoopbackV4], forwards[Advertised]);
        Assert.Equal([IPEndPoint.Parse("127.0.0.1:30001")], forwards[second]);
    }

    [Fact]
    public void Forwards_that_do_not_pair_with_the_gateways_are_refused_by_the_same_rule_as_forwarded_to()
    {
        Assert.True(ClusterAddress.TryParseList("127.0.0.1:30000,127.0.0.1:30001", out var gateways, out _));
        Assert.True(ClusterAddress.TryParseList("10.244.1.7:30000", out var forwardedTo, out _));
        Assert.False(GatewayForwarding.TryPair(gateways, forwardedTo, out _, out var problem));

        var refused = Assert.Throws<ArgumentException>(() => GatewayForwarding.Forwards([Advertised], [[LoopbackV4], [LoopbackV6]]));

        Assert.StartsWith($"--forwarded-to {problem}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_advertised_gateway_is_dialled_at_its_forward()
    {
        var inner = new RecordingFactory();
        var factory = new ForwardingConnectionFactory(inner, new Dictionary<IPEndPoint, IReadOnlyList<IPEndPoint>> { [Advertised] = [LoopbackV4] });

        await factory.ConnectAsync(Advertised);

        Assert.Equal([LoopbackV4], inner.Dialled);
    }

    [Fact]
    public async Task The_next_address_of_a_forward_is_tried_when_one_refuses()
    {
        var inner = new RecordingFactory(refusing: LoopbackV6);
        var factory = new ForwardingConnectionFactory(inner, new Dictionary<IPEndPoint, IReadOnlyList<IPEndPoint>> { [Advertised] = [LoopbackV6, LoopbackV4] });

        await factory.ConnectAsync(Advertised);

        Assert.Equal([LoopbackV6, LoopbackV4], inner.Dialled);
    }

    [Fact]
    public async Task When_every_address_of_a_forward_refuses_the_last_refusal_is_thrown()
    {
        var inner = new RecordingFactory(refusing: [LoopbackV6, LoopbackV4]);
        var factory = new ForwardingConnectionFactory(inner, new Dictionary<IPEndPoint, IReadOnlyList<IPEndPoint>> { [Advertised] = [LoopbackV6, LoopbackV4] });

        var refused = await Assert.ThrowsAsync<SocketException>(() => factory.ConnectAsync(Advertised).AsTask());

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal([LoopbackV6, LoopbackV4], inner.Dialled);
    }

    [Fact]
    public async Task An_endpoint_without_a_forward_is_dialled_as_asked()
    {
        var inner = new RecordingFactory();
        var factory = new ForwardingConnectionFactory(inner, new Dictionary<IPEndPoint, IReadOnlyList<IPEndPoint>> { [Advertised] = [LoopbackV4] });
        var other = IPEndPoint.Parse("10.244.2.9:30000");

        await factory.ConnectAsync(other);

        Assert.Equal([other], inner.Dialled);
    }

    private sealed class RecordingFactory(params IPEndPoint[] refusing) : IConnectionFactory
    {
        public List<EndPoint> Dialled { get; } = [];

        public ValueTask<ConnectionContext> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
        {
            Dialled.Add(endpoint);
            return refusing.Contains(endpoint)
                ? throw new SocketException((int)SocketError.ConnectionRefused)
                : ValueTask.FromResult<ConnectionContext>(new DefaultConnectionContext());
        }
    }
}
