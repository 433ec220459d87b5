using LensSweep.Grains.Hosting;
using Orleans.Runtime;

namespace LensSweep.Grains.Tests.Hosting;

public sealed class ClusterFaultsTests
{
    [Fact]
    public void A_dead_silo_or_a_timeout_is_expected() =>
        Assert.All(
            new Exception[] { new SiloUnavailableException("gone"), new TimeoutException("slow") },
            e => Assert.True(ClusterFaults.IsExpected(e), e.GetType().Name));

    [Fact]
    public void A_wrapped_cluster_fault_is_expected() =>
        Assert.True(ClusterFaults.IsExpected(new AggregateException(new TimeoutException("slow"), new SiloUnavailableException("gone"))));

    [Fact]
    public void A_bug_is_not_expected_even_beside_a_cluster_fault()
    {
        Assert.False(ClusterFaults.IsExpected(new InvalidOperationException("bug")));
        Assert.False(ClusterFaults.IsExpected(new AggregateException(new TimeoutException("slow"), new NullReferenceException())));
    }
}
