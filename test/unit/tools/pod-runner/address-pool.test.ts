import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AddressPool } from '../../../../tools/pod-runner/address-pool.ts';

test('the node takes .0.1 and pods get the lowest free address', () => {
  const pool = new AddressPool('10.245.0.0/16');
  assert.equal(pool.nodeAddress, '10.245.0.1');
  assert.deepEqual(
    [pool.allocate('ns/a'), pool.allocate('ns/b'), pool.allocate('ns/c')],
    ['10.245.0.2', '10.245.0.3', '10.245.0.4'],
  );
});

test('a pod recreated under its name gets its former address back, which other pods are not given while others are free', () => {
  const pool = new AddressPool('10.245.0.0/16');
  pool.allocate('ns/a');
  pool.allocate('ns/b');
  pool.release('10.245.0.3');
  assert.equal(pool.allocate('ns/c'), '10.245.0.4', "b's address is kept for b while others are free");
  assert.equal(pool.allocate('ns/b'), '10.245.0.3', 'b recreated gets its address back');
});

test('addresses continue past the first 256 into the next block', () => {
  const pool = new AddressPool('10.9.0.0/16');
  let last = '';
  for (let i = 0; i < 255; i++) last = pool.allocate(`ns/p${i}`);
  assert.equal(last, '10.9.1.0');
});

test('a network that is not an IPv4 /16 is refused with what is expected', () => {
  assert.throws(() => new AddressPool('10.245.0.0/24'), /must be an IPv4 \/16/);
});
