#include "util/prefault.h"

#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace tessera::prefault {

namespace {

struct Request {
    const void* owner;
    void* addr;
    size_t len;
    bool write;
};

class Worker {
public:
    void request(const Request& r) {
        std::lock_guard<std::mutex> g(mu_);
        if (!started_) {  // first use: programs that never ask start no thread
            started_ = true;
            // Created with every signal blocked, so none is ever delivered to it: the process's
            // signals go to the threads that wait for them (the host event thread).
            sigset_t all, old;
            sigfillset(&all);
            pthread_sigmask(SIG_BLOCK, &all, &old);
            std::thread([this] { run(); }).detach();  // lives as long as the process
            pthread_sigmask(SIG_SETMASK, &old, nullptr);
        }
        queue_.push_back(r);
        cv_.notify_one();
    }
    void cancel(const void* owner) {
        std::unique_lock<std::mutex> lk(mu_);
        std::erase_if(queue_, [&](const Request& r) { return r.owner == owner; });
        idle_.wait(lk, [&] { return serving_ != owner; });
    }

private:
    void run() {
        std::unique_lock<std::mutex> lk(mu_);
        for (;;) {
            cv_.wait(lk, [&] { return !queue_.empty(); });
            Request r = queue_.front();
            queue_.pop_front();
            serving_ = r.owner;
            lk.unlock();
#if defined(MADV_POPULATE_WRITE) && defined(MADV_POPULATE_READ)
            madvise(r.addr, r.len, r.write ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);  // before 5.14: refused, harmless
#endif
            lk.lock();
            serving_ = nullptr;
            idle_.notify_all();
        }
    }
    std::mutex mu_;
    std::condition_variable cv_, idle_;
    std::deque<Request> queue_;
    const void* serving_ = nullptr;
    bool started_ = false;
};

Worker& worker() {
    static Worker* w = new Worker;  // never destroyed: its detached thread may outlive main's statics
    return *w;
}

}  // namespace

void request(const void* owner, void* addr, size_t len, bool write) {
    if (len) worker().request(Request{owner, addr, len, write});
}

void cancel(const void* owner) { worker().cancel(owner); }

}  // namespace tessera::prefault
